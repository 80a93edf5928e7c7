import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { BotContext } from '../../context.ts';
import { choiceData } from '../../scenes/ask/ask.ts';
import { PAID_CHOICE } from '../../scenes/ask/payment.ts';
import type { PaymentKind, PaymentService, ReportTarget } from '../../services/wallet/payments.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';
import { html } from '../../telegram/html.ts';
import { REPORT_PAID, reportedText, reportNotTakenText, reportPaidKeyboard, reportRefusal } from '../../telegram/paymentReports.ts';

const REFERENCE = /\b(?:BUY|DEP)-[0-9A-Z]{8}\b/;

export interface PaymentReportDeps {
  payments: PaymentService;
  download: FileDownloader;
  cards: Pick<CardPublisher, 'kick'>;
}

/**
 * Reporting a payment after its conversation is gone (expired, left with "Not now", or the bot restarted): a tap on
 * "I have paid" in /history or the expiry notice, a screenshot sent as a reply to the payment message, or a
 * screenshot when only one request awaits payment. Repeating one changes nothing.
 */
export function paymentReports(deps: PaymentReportDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  privateChat.callbackQuery(REPORT_PAID, async (ctx) => {
    const user = ctx.appUser;
    if (!user) {
      await ctx.answerCallbackQuery({ text: 'Please register first: send /start.' });
      return;
    }
    const [, kind = 'deposit', idText = ''] = ctx.match;
    const result = await deps.payments.report(user.id, { kind: kind as PaymentKind, id: Number(idText) }, null);
    await ctx.answerCallbackQuery();
    await answerReport(ctx, deps, result, null);
  });

  // "I have paid" on the payment message itself, tapped after its conversation closed: the message names the reference.
  privateChat.callbackQuery(choiceData(PAID_CHOICE), async (ctx, next) => {
    const reference = REFERENCE.exec(ctx.callbackQuery.message?.text ?? '')?.[0];
    const user = ctx.appUser;
    if (!reference || !user) return next();
    const result = await deps.payments.report(user.id, { reference }, null);
    await ctx.answerCallbackQuery();
    await answerReport(ctx, deps, result, reference);
  });

  privateChat.on([':photo', ':document'], async (ctx, next) => {
    const user = ctx.appUser;
    const file = ctx.message?.photo?.at(-1) ?? ctx.message?.document;
    if (!user || !file) return next();
    const target = await screenshotTarget(deps, user.id, ctx.message?.reply_to_message);
    if (target === null) return next();
    if ('ask' in target) {
      await ctx.reply(
        html`Which request is this screenshot for? Send it again as a reply to that request's payment message, or tap <b>I have paid</b> below.`.value,
        { reply_markup: reportPaidKeyboard(target.ask) },
      );
      return;
    }
    const bytes = await deps.download(ctx.api, file.file_id, file.file_size);
    if (!bytes.ok) {
      await ctx.reply(html`${bytes.reason} Please send the screenshot again.`.value);
      return;
    }
    const result = await deps.payments.report(user.id, target, bytes.value);
    await answerReport(ctx, deps, result, 'reference' in target ? target.reference : null);
  });

  return feature;
}

/**
 * Which request a screenshot reports: the one its reply names, or the only one awaiting payment; several awaiting
 * (`ask`) need the user to say which; null when the screenshot is no payment proof of ours.
 */
async function screenshotTarget(
  deps: PaymentReportDeps,
  userId: number,
  repliedTo: Message | undefined,
): Promise<ReportTarget | { ask: Awaited<ReturnType<PaymentService['awaiting']>> } | null> {
  const named = REFERENCE.exec(repliedTo?.text ?? repliedTo?.caption ?? '')?.[0];
  if (named) return { reference: named };
  const awaiting = await deps.payments.awaiting(userId);
  const [only] = awaiting;
  if (awaiting.length === 1 && only) return { kind: only.kind, id: only.id };
  return awaiting.length > 1 ? { ask: awaiting } : null;
}

async function answerReport(
  ctx: BotContext,
  deps: PaymentReportDeps,
  result: Awaited<ReturnType<PaymentService['report']>>,
  reference: string | null,
): Promise<void> {
  if (result.status === 'reported') {
    await ctx.reply(reportedText(result.request.kind, result.request.reference).value);
    deps.cards.kick();
    return;
  }
  const shown = 'request' in result ? result.request.reference : (reference ?? '');
  await ctx.reply(reportNotTakenText(reportRefusal(result), shown).value);
}

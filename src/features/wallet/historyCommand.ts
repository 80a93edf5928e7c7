import type { InlineKeyboard } from 'grammy';
import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import { AWAITING_PAYMENT, type HistoryService } from '../../services/wallet/history.ts';
import type { PaymentKind } from '../../services/wallet/payments.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { formatDateTime, requestStatusLabel } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { reportPaidKeyboard } from '../../telegram/paymentReports.ts';

const HISTORY_PAGE = /^hist:(\d+)$/;

export interface HistoryDeps {
  history: HistoryService;
  asset: string;
  /** How each request kind is named in the list, e.g. { buy: '🟢 Buy' }, from every module's card views. */
  kindLabels: ReadonlyMap<string, string>;
}

const isPaymentKind = (kind: string): kind is PaymentKind => kind === 'buy' || kind === 'deposit';

async function historyMessage(deps: HistoryDeps, userId: number, page: number): Promise<{ text: SafeHtml; keyboard: InlineKeyboard | undefined }> {
  const history = await deps.history.page(userId, page);
  if (history.rows.length === 0) return { text: html`🧾 You have no requests yet. Tap 🟢 Buy or ⬇️ Deposit to start.`, keyboard: undefined };
  const lines = history.rows.map((row) => {
    const amount = row.crypto_amount
      ? html`${formatGhs(row.cedis_amount)} ${row.kind === 'buy' ? '→' : '←'} ${formatCrypto(row.crypto_amount, deps.asset)}`
      : html`${formatGhs(row.cedis_amount)}`;
    const kind = deps.kindLabels.get(row.kind) ?? row.kind;
    return html`${kind} <code>${row.reference}</code>\n${amount} · ${requestStatusLabel(row.status, 'owner')} · ${formatDateTime(row.created_at)}`;
  });
  // A request awaiting payment is reported from here too (its conversation may be long gone).
  const awaiting = history.rows.flatMap(({ kind, id, reference, status }) =>
    status === AWAITING_PAYMENT && isPaymentKind(kind) ? [{ kind, id, reference }] : [],
  );
  const keyboard = reportPaidKeyboard(awaiting);
  if (history.page > 0) keyboard.text('◀️ Newer', `hist:${history.page - 1}`);
  if (history.page < history.pages - 1) keyboard.text('Older ▶️', `hist:${history.page + 1}`);
  return {
    text: html`🧾 <b>Your history</b> (page ${history.page + 1} of ${history.pages})\n\n${joinHtml(lines, '\n\n')}`,
    keyboard: keyboard.inline_keyboard.flat().length > 0 ? keyboard : undefined,
  };
}

/** /history: every request of every kind, newest first, five per page. */
export async function showHistory(ctx: BotContext, deps: HistoryDeps): Promise<void> {
  if (!ctx.appUser) {
    await ctx.reply('Please register first: send /start.');
    return;
  }
  const { text, keyboard } = await historyMessage(deps, ctx.appUser.id, 0);
  await ctx.reply(text.value, keyboard ? { reply_markup: keyboard } : {});
}

/** The Newer and Older buttons edit the list in place. */
export function historyPaging(deps: HistoryDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(HISTORY_PAGE, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!ctx.appUser) return;
    const { text, keyboard } = await historyMessage(deps, ctx.appUser.id, Number(ctx.match[1]));
    await editQuietly(ctx.editMessageText(text.value, keyboard ? { reply_markup: keyboard } : {}));
  });
  return feature;
}

import type { BotConversation, ConversationContext } from '../../context.ts';
import type { SettingsService } from '../../services/admin/settings.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { PaymentKind, PaymentService } from '../../services/wallet/payments.ts';
import type { CreateResult } from '../../services/wallet/requests.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { payLaterText, reportNotTakenText, reportRefusal } from '../../telegram/paymentReports.ts';
import { formatTime } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { sendCardOnItsWay } from './adminCard.ts';
import { ask } from './ask.ts';
import { checkPhoto, fetchOptionalPhoto, type PhotoDeps, type PhotoRef } from './photos.ts';

/** Where users pay the platform by momo or bank (from the settings); null while an admin has not set it. */
export function paymentDetails(conversation: BotConversation, settings: SettingsService, method: 'momo' | 'bank'): Promise<string | null> {
  return conversation.external(async () => {
    const current = await settings.current();
    const details = (method === 'momo' ? current.momo_payment_details : current.bank_payment_details).trim();
    return details === '' ? null : details;
  });
}

/** The refusal while a method has no payment details: nothing is asked or saved, another method may work. */
export function paymentNotSetUpText(method: 'momo' | 'bank', command: string): string {
  const name = method === 'momo' ? 'mobile money' : 'bank transfer';
  return `Paying the desk by ${name} is not set up yet, so nothing was saved and you should not send money. Send /${command} to choose another way, or try again later.`;
}

/** The "I have paid" choice of the payment message, also acted on after the conversation is gone (features/wallet/paymentReports.ts). */
export const PAID_CHOICE = 'paid';

type PaymentConfirmation = { paid: true; proof: PhotoRef | null } | { paid: false };

/**
 * After showing where to pay: a screenshot of the payment, or "I have paid" without one, confirms; "Not now" leaves
 * (the request stays, awaiting payment). A screenshot is checked when it arrives.
 */
async function askPaymentConfirmation(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  deps: PhotoDeps,
): Promise<PaymentConfirmation> {
  return ask(conversation, ctx, {
    text,
    choices: [[{ label: '✅ I have paid', value: PAID_CHOICE }], [{ label: '⏸ Not now', value: 'later' }]],
    acceptsFile: true,
    acceptsText: false,
    check: async (answer): Promise<Checked<PaymentConfirmation>> => {
      if (answer.kind === 'button') return valid(answer.value === PAID_CHOICE ? { paid: true, proof: null } : { paid: false });
      if (answer.kind !== 'file') return invalid('Send a screenshot of your payment, or tap a button.');
      const proof = await checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize });
      return proof.ok ? valid({ paid: true, proof: proof.value }) : proof;
    },
  });
}

export interface PaymentRequest {
  kind: PaymentKind;
  userId: number;
  /** What is being paid for, shown first (e.g. the quote). */
  intro: SafeHtml;
  amountGhs: string;
  method: 'momo' | 'bank';
  /** Where to pay (from the settings). */
  payTo: string;
  reference: string;
  /** When a quote expires, the time to pay by. */
  payBefore?: string;
  /** The thanks once the payment is reported, saying what happens next. */
  thanks: SafeHtml;
}

export type PaymentDeps = PhotoDeps & { payments: PaymentService; cards: Pick<CardPublisher, 'kick'> };

/**
 * The payment step of buys and deposits. `open` stores the request (awaiting payment) before anything is shown, so
 * no expiry or cancel can lose it; then where to pay with the reference; a screenshot or "I have paid" reports it
 * (its card goes to the admins). Returns why the request was not stored (nothing was shown), or null when the step
 * is over (reported, or left for later: the user was told how to report it).
 */
export async function openAndReportPayment(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: PaymentDeps,
  payment: PaymentRequest,
  open: () => Promise<CreateResult>,
): Promise<Exclude<CreateResult, { status: 'created' }> | null> {
  const opened = await conversation.external(open);
  if (opened.status !== 'created') return opened;
  const deadline = payment.payBefore ? html`Pay before ${formatTime(new Date(payment.payBefore))}. Then send` : html`Then send`;
  const confirmation = await askPaymentConfirmation(
    conversation,
    ctx,
    html`${payment.intro}

Pay exactly <b>${formatGhs(payment.amountGhs)}</b> by ${payment.method === 'momo' ? 'mobile money' : 'bank transfer'} to:
${payment.payTo}
Reference: <code>${payment.reference}</code> (put it in the payment note)

${deadline} a screenshot of the payment here, or tap <b>I have paid</b>.`,
    deps,
  );
  if (!confirmation.paid) {
    await ctx.reply(payLaterText(payment.reference).value);
    return null;
  }
  const reported = await conversation.external(async (outer) => {
    const proof = await fetchOptionalPhoto(outer.api, deps.download, confirmation.proof);
    if (!proof.ok) return { status: 'invalid_image' as const, reason: proof.reason };
    // Only what the words need: a conversation keeps the results of its external steps.
    const result = await deps.payments.report(payment.userId, { kind: payment.kind, id: opened.id }, proof.value);
    // Reported already by this step before a crash (the conversation replays it): the same thanks, nothing changed.
    return result.status === 'reported' || result.status === 'already_reported' ? { status: 'reported' as const } : reportRefusal(result);
  });
  if (reported.status !== 'reported') {
    await ctx.reply(reportNotTakenText(reported, payment.reference).value);
    return null;
  }
  await ctx.reply(payment.thanks.value);
  await sendCardOnItsWay(conversation, deps);
  return null;
}

import { InlineKeyboard } from 'grammy';
import { formatGhs, fromPesewas } from '../../services/common/amounts.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { chargedRequest } from '../../db/paystackCharges.ts';
import type { PaymentKind } from '../../services/wallet/payments.ts';
import type { ChargeProgress } from '../../services/paystack/paystack.ts';

/** Where an instant payment stands, as plain values (kept in conversation state, and read by the buttons). */
export type ChargeView =
  | { status: 'not_open' }
  | {
      status: 'needs_otp' | 'waiting_approval' | 'unknown' | 'credited' | 'failed' | 'needs_review';
      chargeId: number;
      requestKind: PaymentKind;
      requestId: number;
      reference: string;
      amountPesewas: number;
      network: string;
      phone: string;
      displayText: string | null;
      reason: string | null;
    };

/** A charge's progress as the payer's messages show it. */
export function chargeView(progress: ChargeProgress | { status: 'not_open' }): ChargeView {
  if (progress.status === 'not_open') return { status: 'not_open' };
  const { charge } = progress;
  const request = chargedRequest(charge);
  return {
    status: progress.status,
    chargeId: charge.id,
    requestKind: request.kind,
    requestId: request.id,
    reference: charge.reference,
    amountPesewas: charge.amount_pesewas,
    network: charge.network,
    phone: charge.phone,
    displayText: 'displayText' in progress ? progress.displayText : null,
    reason: 'reason' in progress ? progress.reason : null,
  };
}

/** The buttons of an instant payment's message: `pk:check:<charge id>` and `pk:retry:<deposit|buy>:<id>`. */
export const CHECK_DATA = /^pk:check:(\d+)$/;
export const RETRY_DATA = /^pk:retry:(deposit|buy):(\d+)$/;
const checkButton = (chargeId: number) => new InlineKeyboard().text('🔄 Check payment', `pk:check:${chargeId}`);
const retryButton = (view: { requestKind: PaymentKind; requestId: number }) => new InlineKeyboard().text('🔁 Try again', `pk:retry:${view.requestKind}:${view.requestId}`);

/** What the payer is told of their charge, and what they can do next. */
export function chargeOutcome(view: ChargeView): { text: SafeHtml; keyboard?: InlineKeyboard } {
  if (view.status === 'not_open') {
    return { text: html`This request is no longer waiting for a payment, so nothing was charged. Send /history to see where it stands.` };
  }
  const amount = formatGhs(fromPesewas(view.amountPesewas));
  switch (view.status) {
    case 'waiting_approval':
      return {
        text: html`📱 <b>Approve the prompt on your phone</b> (${view.network} ${view.phone}) to pay ${amount}. Payment reference: ${view.reference}.\n\nI'll message you as soon as Paystack confirms it.`,
        keyboard: checkButton(view.chargeId),
      };
    case 'unknown':
      return {
        text: html`⏳ Paystack has not confirmed the payment of ${amount} (${view.reference}) yet. If a prompt came to your phone, approve it; I check again within 5 minutes and message you.`,
        keyboard: checkButton(view.chargeId),
      };
    case 'needs_otp':
      return {
        text: html`🔐 The code was not accepted, so ${amount} was not charged. Tap Try again to type it again.`,
        keyboard: retryButton(view),
      };
    case 'credited':
      return { text: html`✅ Paystack confirmed your payment of ${amount} (${view.reference}).` };
    case 'failed':
      return {
        text: html`❌ The payment of ${amount} did not go through: ${view.reason ?? 'it was not completed'}. No money was taken. Tap Try again to get a new prompt.`,
        keyboard: retryButton(view),
      };
    case 'needs_review':
      return { text: html`⚠️ Paystack reported a payment for ${view.reference} that does not match the request, so nothing was credited yet. Our team has been told and will sort it out.` };
  }
}

import type { BotConversation, ConversationContext } from '../../context.ts';
import type { SettingsService } from '../../services/admin/settings.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { CreateResult } from '../../services/wallet/requests.ts';
import { formatTime } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
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

type PaymentConfirmation = { paid: true; proof: PhotoRef | null } | { paid: false };

/**
 * After showing where to pay: a screenshot of the payment, or "I have paid" without one, confirms; Cancel
 * leaves. A screenshot is checked when it arrives (and stored only with the request).
 */
async function askPaymentConfirmation(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  deps: PhotoDeps,
): Promise<PaymentConfirmation> {
  return ask(conversation, ctx, {
    text,
    choices: [[{ label: '✅ I have paid', value: 'paid' }], [{ label: '❌ Cancel', value: 'cancel' }]],
    acceptsFile: true,
    acceptsText: false,
    check: async (answer): Promise<Checked<PaymentConfirmation>> => {
      if (answer.kind === 'button') return valid(answer.value === 'paid' ? { paid: true, proof: null } : { paid: false });
      if (answer.kind !== 'file') return invalid('Send a screenshot of your payment, or tap a button.');
      const proof = await checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize });
      return proof.ok ? valid({ paid: true, proof: proof.value }) : proof;
    },
  });
}

export interface PaymentRequest {
  /** What is being paid for, shown first (e.g. the quote). */
  intro: SafeHtml;
  amountGhs: string;
  method: 'momo' | 'bank';
  /** Where to pay (from the settings). */
  payTo: string;
  reference: string;
  /** When a quote expires, the time to pay by. */
  payBefore?: string;
}

/**
 * The payment step of buys and deposits: shows where to pay with the reference, waits for a screenshot or
 * "I have paid", then creates the request (with the screenshot's bytes, if any). Null when the user cancelled.
 */
export async function payAndCreate(
  conversation: BotConversation,
  ctx: ConversationContext,
  deps: PhotoDeps,
  payment: PaymentRequest,
  create: (proof: Buffer | null) => Promise<CreateResult>,
): Promise<CreateResult | null> {
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
    await ctx.reply('Cancelled; nothing was saved. If you already paid, contact support with the reference.');
    return null;
  }
  return conversation.external(async (outer): Promise<CreateResult> => {
    const proof = await fetchOptionalPhoto(outer.api, deps.download, confirmation.proof);
    return proof.ok ? create(proof.value) : { status: 'invalid_image', reason: proof.reason };
  });
}

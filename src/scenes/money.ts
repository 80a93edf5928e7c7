import type { BotConversation, ConversationContext } from '../context.ts';
import { formatCrypto, formatGhs } from '../services/money.ts';
import type { MoneyAccess, MoneyRefusal } from '../services/moneyAccess.ts';
import type { Quote } from '../services/quotes.ts';
import { invalid, valid, type Checked } from '../services/validation.ts';
import { formatTime, formatWhen } from '../ui/format.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { ask, askText } from './ask.ts';
import { checkPhoto, fetchOptionalPhoto, type PhotoDeps, type PhotoRef } from './common.ts';
import type { CreateResult } from '../services/trading.ts';

/** Why money cannot move, and what to do about it. */
export function refusalText(refusal: MoneyRefusal): string {
  switch (refusal.reason) {
    case 'not_registered':
      return 'Please register first: send /start. It takes about two minutes.';
    case 'inactive':
      return 'Your account is deactivated, so money cannot move. Contact support.';
    case 'kyc_required':
      return refusal.kycStatus === 'rejected'
        ? 'Your identity check was not accepted, so money cannot move yet. Send /kyc to submit your documents again.'
        : 'Money moves only for verified accounts. Send /kyc to verify your identity (if you already did, we are reviewing it and will message you).';
    case 'pin_locked':
      return `Money actions are locked until ${formatWhen(new Date(refusal.until))} after 5 wrong PINs. Please wait, then try again.`;
  }
}

/** `lastPriceAt` may have come out of conversation.external, where a Date is stored as a string. */
export function pausedText(lastPriceAt: Date | string | null): string {
  const since = lastPriceAt ? ` since ${formatWhen(new Date(lastPriceAt))}` : '';
  return `⏸ Buying and selling are paused: our price has not updated${since}. Your money is safe; please try again in a few minutes.`;
}

/** The quote as the user sees it: rate, what they pay, what they receive, until when. */
export function quoteText(quote: Quote): SafeHtml {
  const crypto = formatCrypto(quote.cryptoAmount, quote.asset);
  const cedis = formatGhs(quote.cedisAmount);
  const [pay, receive] = quote.side === 'buy' ? [cedis, crypto] : [crypto, cedis];
  return html`Rate: ${formatGhs(quote.rate)} per ${quote.asset}
You pay: <b>${pay}</b>
You receive: <b>${receive}</b>
Valid until ${formatTime(new Date(quote.expiresAt))} (10 minutes)`;
}

/**
 * Asks for the transaction PIN (the message is deleted as it arrives). True when it is right; false after
 * the fifth wrong PIN, which locks money actions.
 */
export async function askPin(conversation: BotConversation, ctx: ConversationContext, access: MoneyAccess, userId: number): Promise<boolean> {
  const result = await askText(
    conversation,
    ctx,
    html`🔐 Type your transaction PIN to confirm. I delete your message straight away.`,
    async (text) => {
      const check = await conversation.external(() => access.checkPin(userId, text.trim()));
      if (check.status === 'wrong') return invalid(`Wrong PIN. ${check.attemptsLeft} ${check.attemptsLeft === 1 ? 'attempt' : 'attempts'} left before money actions are locked for 15 minutes.`);
      return valid(check.status === 'ok' ? null : check.until);
    },
    { secret: true },
  );
  if (result === null) return true;
  await ctx.reply(`Too many wrong PINs: money actions are locked until ${formatWhen(new Date(result))}. Nothing was done.`);
  return false;
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
 * Shows where to pay with the reference, waits for a screenshot or "I have paid", then creates the request
 * (with the screenshot's bytes, if any). Null when the user cancelled.
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

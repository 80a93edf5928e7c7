import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import type { MomoNetworkName } from '../../services/paystack/client.ts';
import type { PayableRequest, PaystackService } from '../../services/paystack/paystack.ts';
import { checkMomoNumber, MOMO_NETWORKS } from '../../services/wallet/payouts.ts';
import { html } from '../../telegram/html.ts';
import { ask, askText, choose } from '../ask/ask.ts';
import type { ConversationUser } from '../ask/user.ts';
import { chargeOutcome, chargeView } from './chargeText.ts';

export const INSTANT_PAYMENT = 'instant-payment';
/** A network answers a wrong OTP by asking again; after this many the payer starts over. */
const OTP_TRIES = 3;

const WHAT = { deposit: 'Deposit', buy: 'Pay for purchase' } as const;

/**
 * Pays a deposit or buy by a mobile-money prompt through Paystack: the network and the number (the registered phone
 * by default), the charge for its exact cedis, the OTP where the network asks for one (Telecel), then "approve the
 * prompt on your phone"; the outcome comes with Paystack's confirmation, however late, as a notification.
 */
export async function payInstantly(conversation: BotConversation, ctx: ConversationContext, paystack: PaystackService, user: ConversationUser, payable: PayableRequest): Promise<void> {
  const network = await choose(conversation, ctx, html`⚡ <b>${WHAT[payable.kind]} ${formatGhs(payable.amount)}</b> (${payable.reference}) by mobile money. Which network is your wallet on?`, [
    MOMO_NETWORKS.map((name): { label: string; value: MomoNetworkName | 'cancel' } => ({ label: name, value: name })),
    [{ label: '❌ Cancel', value: 'cancel' }],
  ]);
  if (network === 'cancel') {
    await ctx.reply(html`Cancelled; nothing was charged. Your request ${payable.reference} stays open: send /history to pay it another way.`.value);
    return;
  }
  const own = user.phone ? checkMomoNumber(user.phone) : undefined;
  const phone = await ask(conversation, ctx, {
    text: html`Which ${network} number will pay? You will get a prompt on that phone.`,
    choices: own?.ok ? [[{ label: `Use ${own.value}`, value: own.value }]] : undefined,
    acceptsText: true,
    check: (answer) => (answer.kind === 'button' ? valid(answer.value) : checkMomoNumber(answer.kind === 'text' ? answer.text : '')),
  });
  const request = { kind: payable.kind, id: payable.id };
  let view = await conversation.external(async () => chargeView(await paystack.startCharge({ userId: user.id, request, network, phone })));
  for (let tries = 0; view.status === 'needs_otp' && tries < OTP_TRIES; tries += 1) {
    const chargeId = view.chargeId;
    const hint = view.displayText ?? `${network} sends you a code for this payment.`;
    const otp = await askText(conversation, ctx, html`🔐 ${hint}\n\nType the code here.`, (text) => {
      const code = text.replace(/\s/g, '');
      return /^\d{4,8}$/.test(code) ? valid(code) : invalid('The code is 4 to 8 digits. Please type it again.');
    });
    view = await conversation.external(async () => chargeView(await paystack.submitOtp(user.id, chargeId, otp)));
  }
  const outcome = chargeOutcome(view);
  await ctx.reply(outcome.text.value, outcome.keyboard ? { reply_markup: outcome.keyboard } : {});
}

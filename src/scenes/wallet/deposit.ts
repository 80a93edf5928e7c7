import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { askText, choose } from '../ask/ask.ts';
import { openAndReportPayment, paymentDetails, paymentNotSetUpText } from '../ask/payment.ts';
import { currentUser, type ConversationUser } from '../ask/user.ts';
import { payInstantly } from '../paystack/instantPayment.ts';
import type { PaystackService } from '../../services/paystack/paystack.ts';
import { depositCrypto } from './cryptoDeposit.ts';
import type { WalletSceneDeps } from './deps.ts';

export const DEPOSIT = 'deposit';
const INSTANT_CHOICE = { label: '⚡ Mobile money (instant)', value: 'instant' } as const;

async function askDepositAmount(conversation: BotConversation, ctx: ConversationContext, deps: WalletSceneDeps): Promise<string> {
  return askText(conversation, ctx, html`How much will you deposit? Type the amount in cedis, e.g. 250.`, (text) => conversation.external(() => deps.wallet.checkAmount(text)));
}

/** "Mobile money (instant)": the amount, the deposit stored (awaiting payment), then the prompt on the payer's phone (Paystack). */
async function depositInstantly(conversation: BotConversation, ctx: ConversationContext, deps: WalletSceneDeps, paystack: PaystackService, user: ConversationUser): Promise<void> {
  const amount = await askDepositAmount(conversation, ctx, deps);
  const reference = await conversation.external(() => newReference('DEP'));
  const created = await conversation.external(() => deps.wallet.openDeposit({ userId: user.id, amount, method: 'momo', reference }));
  if (created.status !== 'created') {
    await ctx.reply(notCreatedText(created));
    return;
  }
  await payInstantly(conversation, ctx, paystack, user, { kind: 'deposit', id: created.id, reference: created.reference, amount });
}

/** /deposit: method, amount, where to pay with a reference (stored then); a screenshot or "I have paid" reports it. */
export function createDepositConversation(deps: WalletSceneDeps) {
  return async function deposit(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const user = await currentUser(conversation);
    if (!user) return;
    const networks = await conversation.external(() => deps.networks.enabled());
    const method = await choose<'momo' | 'bank' | 'instant' | 'crypto' | 'cancel'>(
      conversation,
      ctx,
      html`⬇️ How will you send the cedis?${networks.length === 0 ? ` Receiving ${deps.asset} from your own wallet is not open yet.` : ` Or send ${deps.asset} from your own wallet.`}`,
      [
        [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank', value: 'bank' }],
        ...(deps.paystack ? [[INSTANT_CHOICE]] : []),
        ...(networks.length > 0 ? [[{ label: `🪙 ${deps.asset} from a wallet`, value: 'crypto' as const }]] : []),
        [{ label: '❌ Cancel', value: 'cancel' }],
      ],
    );
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    if (method === 'crypto') {
      await depositCrypto(conversation, ctx, deps, user, networks);
      return;
    }
    if (method === 'instant') {
      // Offered only while Paystack is on.
      if (deps.paystack) await depositInstantly(conversation, ctx, deps, deps.paystack, user);
      return;
    }
    const payTo = await paymentDetails(conversation, deps.settings, method);
    if (payTo === null) {
      await ctx.reply(paymentNotSetUpText(method, DEPOSIT));
      return;
    }
    const amount = await askDepositAmount(conversation, ctx, deps);
    const reference = await conversation.external(() => newReference('DEP'));
    const refused = await openAndReportPayment(
      conversation,
      ctx,
      deps,
      {
        kind: 'deposit',
        userId: user.id,
        intro: html`⬇️ <b>Deposit ${formatGhs(amount)}</b>`,
        amountGhs: amount,
        method,
        payTo,
        reference,
        thanks: html`✅ Thank you! Your deposit <b>${reference}</b> is waiting for our team to see the payment. I'll message you as soon as ${formatGhs(amount)} is in your wallet.`,
      },
      () => deps.wallet.openDeposit({ userId: user.id, amount, method, reference }),
    );
    if (refused) await ctx.reply(notCreatedText(refused));
  };
}

import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatCrypto } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import type { SharedServices } from '../../services/index.ts';
import type { TradingService } from '../../services/trading/trading.ts';
import type { PaymentService } from '../../services/wallet/payments.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { choose } from '../ask/ask.ts';
import { openAndReportPayment, paymentDetails, paymentNotSetUpText } from '../ask/payment.ts';
import { currentUser, type ConversationUser } from '../ask/user.ts';
import { payInstantly } from '../paystack/instantPayment.ts';
import type { PaystackService } from '../../services/paystack/paystack.ts';
import type { Quote } from '../../services/trading/quotes.ts';
import { askQuotedAmount, pausedText, quoteText, requote } from './quotedAmount.ts';

export const BUY = 'buy';

export type TradeSceneDeps = Pick<SharedServices, 'asset' | 'quotes' | 'settings' | 'media' | 'access'> & {
  trading: TradingService;
  payments: PaymentService;
  download: FileDownloader;
  cards: CardPublisher;
  /** Paystack when it is on: buys paid by "Mobile money (instant)". */
  paystack: PaystackService | null;
};

const INSTANT_CHOICE = { label: '⚡ Mobile money (instant)', value: 'instant' } as const;

/** "Mobile money (instant)": the buy stored at its quote (awaiting payment), then the prompt on the payer's phone (Paystack). */
async function buyInstantly(conversation: BotConversation, ctx: ConversationContext, deps: TradeSceneDeps, paystack: PaystackService, user: ConversationUser, quote: Quote): Promise<void> {
  const reference = await conversation.external(() => newReference('BUY'));
  const created = await conversation.external(() => deps.trading.openBuy({ userId: user.id, quote, method: 'momo', reference }));
  if (created.status !== 'created') {
    await ctx.reply(notCreatedText(created));
    return;
  }
  await payInstantly(conversation, ctx, paystack, user, { kind: 'buy', id: created.id, reference: created.reference, amount: quote.cedisAmount });
}

/**
 * /buy: amount (cedis or crypto), the quote, how to pay, the platform's payment details and a reference (the buy is
 * stored then, at its quote); a screenshot or "I have paid" reports it for an admin to confirm the payment.
 */
export function createBuyConversation(deps: TradeSceneDeps) {
  return async function buy(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const user = await currentUser(conversation);
    if (!user) return;
    const userId = user.id;
    const { asset } = deps;
    const { priced } = await askQuotedAmount(conversation, ctx, deps, 'buy', null);
    if (priced.status === 'paused') {
      await ctx.reply(pausedText(priced.lastPriceAt));
      return;
    }
    let quote = priced.quote;
    const method = await choose(conversation, ctx, html`🟢 <b>Your quote</b>\n${quoteText(quote)}\n\nHow will you pay?`, [
      [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank transfer', value: 'bank' }],
      ...(deps.paystack ? [[INSTANT_CHOICE]] : []),
      [{ label: '❌ Cancel', value: 'cancel' }],
    ]);
    if (method === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    if (method === 'instant') {
      // Offered only while Paystack is on.
      if (deps.paystack) await buyInstantly(conversation, ctx, deps, deps.paystack, user, quote);
      return;
    }
    const payTo = await paymentDetails(conversation, deps.settings, method);
    if (payTo === null) {
      await ctx.reply(paymentNotSetUpText(method, BUY));
      return;
    }
    const reference = await conversation.external(() => newReference('BUY'));

    for (;;) {
      const refused = await openAndReportPayment(
        conversation,
        ctx,
        deps,
        {
          kind: 'buy',
          userId,
          intro: html`🟢 <b>Buy ${asset}</b>\n${quoteText(quote)}`,
          amountGhs: quote.cedisAmount,
          method,
          payTo,
          reference,
          payBefore: quote.expiresAt,
          thanks: html`✅ Thank you! Your purchase <b>${reference}</b> is waiting for our team to confirm your payment. I'll message you as soon as ${formatCrypto(quote.cryptoAmount, asset)} is in your wallet.`,
        },
        () => deps.trading.openBuy({ userId, quote, method, reference }),
      );
      if (refused?.status === 'expired') {
        // The quote ran out while the method was chosen (nothing was shown to pay yet): a fresh one to confirm.
        const fresh = await requote(conversation, ctx, deps.quotes, 'buy', { currency: 'GHS', amount: quote.cedisAmount });
        if (!fresh) return;
        quote = fresh;
        continue;
      }
      if (refused) await ctx.reply(notCreatedText(refused));
      return;
    }
  };
}

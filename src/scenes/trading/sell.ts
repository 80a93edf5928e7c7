import type { BotConversation, ConversationContext } from '../../context.ts';
import { Big, formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { choose } from '../ask/ask.ts';
import { askPin } from '../ask/pin.ts';
import { currentUser } from '../ask/user.ts';
import type { TradeSceneDeps } from './buy.ts';
import { askQuotedAmount, pausedText, quoteText, requote } from './quotedAmount.ts';

export const SELL = 'sell';

/** /sell: amount, the quote, Confirm, PIN; the crypto is reserved until an admin credits the cedis. */
export function createSellConversation(deps: TradeSceneDeps) {
  return async function sell(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const userId = (await currentUser(conversation))?.id;
    if (!userId) return;
    const { asset } = deps;
    const available = await conversation.external(() => deps.trading.availableCrypto(userId));
    if (new Big(available).lte(0)) {
      await ctx.reply(`You have no ${asset} available to sell. Buy some first with /buy.`);
      return;
    }
    // Said at once, rather than after every amount the user tries is refused.
    const { value, smallest } = await conversation.external(async () => ({
      value: await deps.quotes.sellValue(available),
      smallest: (await deps.settings.current()).min_amount_ghs,
    }));
    if (value !== null && new Big(value).lt(smallest)) {
      await ctx.reply(
        `Your ${formatCrypto(available, asset)} would fetch about ${formatGhs(value)}, below the smallest sale of ${formatGhs(smallest)}, so you cannot sell yet. Buy more with /buy, or keep it in your wallet.`,
      );
      return;
    }
    const { input, priced } = await askQuotedAmount(conversation, ctx, deps, 'sell', available);
    if (priced.status === 'paused') {
      await ctx.reply(pausedText(priced.lastPriceAt));
      return;
    }
    let quote = priced.quote;
    const reference = await conversation.external(() => newReference('SELL'));
    for (;;) {
      const decision = await choose(
        conversation,
        ctx,
        html`🔴 <b>Sell ${asset}</b>\n${quoteText(quote)}\n\nThe ${asset} is reserved from your wallet until our team confirms; then the cedis are added to your wallet.`,
        [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]],
      );
      if (decision === 'cancel') {
        await ctx.reply('Cancelled; nothing was saved.');
        return;
      }
      if (!(await askPin(conversation, ctx, deps.access, userId))) return;
      const result = await conversation.external(() => deps.trading.createSell({ userId, quote, reference }));
      if (result.status === 'expired') {
        const fresh = await requote(conversation, ctx, deps.quotes, 'sell', input);
        if (!fresh) return;
        quote = fresh;
        continue;
      }
      if (result.status !== 'created') {
        await ctx.reply(notCreatedText(result));
        return;
      }
      await ctx.reply(
        html`✅ Done: ${formatCrypto(quote.cryptoAmount, asset)} is reserved for your sale <b>${reference}</b>. I'll message you when ${formatGhs(quote.cedisAmount)} is in your wallet.`.value,
      );
      await sendCardOnItsWay(conversation, deps);
      return;
    }
  };
}

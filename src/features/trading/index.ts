import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { expireUnpaidBuysJob } from '../../jobs/expireUnpaidBuys.ts';
import { BUY, createBuyConversation } from '../../scenes/trading/buy.ts';
import { pausedText } from '../../scenes/trading/quotedAmount.ts';
import { createSellConversation, SELL } from '../../scenes/trading/sell.ts';
import { createTradeKind } from '../../services/trading/approvalKinds.ts';
import { createTradingService, tradingHistory } from '../../services/trading/trading.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';
import { buyCardView, sellCardView } from './cards.ts';

/** Trading: buy crypto with momo or bank, sell it for cedis, at the quoted rate, each confirmed by an admin. */
export const tradingModule = defineModule({
  name: 'trading',
  services: (shared) => createTradingService({ ...shared, prices: shared.rates }),
  commands: [
    { command: 'buy', description: 'Buy crypto with mobile money or bank', position: 30, button: '🟢 Buy' },
    { command: 'sell', description: 'Sell crypto for cedis', position: 40, button: '🔴 Sell' },
  ],
  approvalKinds: (shared) => [createTradeKind('buy', shared), createTradeKind('sell', shared)],
  cardViews: [buyCardView, sellCardView],
  history: { sources: tradingHistory, labels: { buy: '🟢 Buy', sell: '🔴 Sell' } },
  telegram(deps) {
    const { kernel } = deps;
    const composer = new Composer<BotContext>();
    const enterIfTrading = (flow: string) => async (ctx: BotContext) => {
      if (!(await mayMoveMoney(ctx, kernel.access))) return;
      const price = await kernel.rates.currentPrice();
      if (!price || price.stale) await ctx.reply(pausedText(price?.fetchedAt ?? null));
      else await ctx.conversation.enter(flow);
    };
    deps.menu.handle(composer, 'buy', enterIfTrading(BUY));
    deps.menu.handle(composer, 'sell', enterIfTrading(SELL));
    const sceneDeps = { ...kernel, trading: deps.services, download: deps.download, cards: deps.cards };
    return {
      composer,
      conversations: [
        { name: BUY, builder: createBuyConversation(sceneDeps), showsPayment: true },
        { name: SELL, builder: createSellConversation(sceneDeps) },
      ],
    };
  },
  jobs: (deps) => [expireUnpaidBuysJob({ payments: deps.kernel.payments, cards: deps.cards })],
});

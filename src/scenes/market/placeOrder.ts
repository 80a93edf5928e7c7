import type { BotConversation, ConversationContext } from '../../context.ts';
import type { Logger } from '../../logger.ts';
import type { OrderSide } from '../../db/orders.ts';
import type { MoneyAccess } from '../../services/accounts/moneyAccess.ts';
import { Big, formatCrypto, formatGhs, formatPrice } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import type { MarketService } from '../../services/market/market.ts';
import type { NotificationDelivery } from '../../services/notifications/delivery.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html } from '../../telegram/html.ts';
import { notCreatedText } from '../../telegram/refusals.ts';
import { askText, choose } from '../ask/ask.ts';
import { askPin } from '../ask/pin.ts';
import { currentUser } from '../ask/user.ts';
import { placedText } from './orderText.ts';

export const PLACE_ORDER = 'market-order';

export interface MarketSceneDeps {
  asset: string;
  access: MoneyAccess;
  market: MarketService;
  delivery: NotificationDelivery;
  logger: Logger;
}

function isSide(value: unknown): value is OrderSide {
  return value === 'BUY' || value === 'SELL';
}

/**
 * Placing a limit order, on the side chosen with /market's Buy or Sell: amount, limit price, a summary with the
 * total and the fee, Confirm, PIN. The funds are reserved and the order matched at once; the reply says what happened.
 */
export function createPlaceOrderConversation(deps: MarketSceneDeps) {
  return async function placeOrder(conversation: BotConversation, ctx: ConversationContext, side: unknown): Promise<void> {
    const user = await currentUser(conversation);
    if (!user || !isSide(side)) return;
    const { asset, market } = deps;
    const form = await conversation.external(() => market.orderForm(user.id, side));
    const buying = side === 'BUY';
    if (new Big(form.available).lte(0)) {
      await ctx.reply(
        buying
          ? 'You have no cedis available to buy with. Add some with /deposit, then come back to /market.'
          : `You have no ${asset} available to sell. Buy some with /buy or on /market first.`,
      );
      return;
    }

    const have = buying ? formatGhs(form.available) : formatCrypto(form.available, asset);
    const amount = await askText(
      conversation,
      ctx,
      html`${buying ? '🟢' : '🔴'} <b>${buying ? 'Buy' : 'Sell'} ${asset}</b> with a limit order. You have ${have} available.\n\nHow much ${asset} do you want to ${buying ? 'buy' : 'sell'}? Type the amount, e.g. 25 or 0.5.`,
      (text) => conversation.external(() => market.checkAmount(side, text, form.available)),
    );
    const best = buying ? form.bestAsk : form.bestBid;
    const bestText = best ? html` The best ${buying ? 'offer to sell' : 'offer to buy'} now is ${formatPrice(best)}.` : html``;
    const price = await askText(
      conversation,
      ctx,
      html`What is the ${buying ? 'highest' : 'lowest'} price per ${asset} you accept? Type cedis with at most 2 decimals, e.g. 15.20.${bestText}`,
      (text) => conversation.external(() => market.checkPrice(side, amount, text, form.available)),
    );

    const reference = await conversation.external(() => newReference('MKT'));
    const preview = await conversation.external(() => market.preview(side, amount, price));
    const fee = new Big(preview.feePercent).toFixed(2);
    const money = buying
      ? html`Total: <b>${formatGhs(preview.totalGhs)}</b>, reserved from your wallet now.\nFee: none for buyers (sellers pay ${fee}%).\nYou pay the seller's price: if it is below yours, the difference comes back to you.`
      : html`Total at your price: <b>${formatGhs(preview.totalGhs)}</b>\nFee: ${fee}% charged to you as seller, ${formatGhs(preview.feeGhs)} at your price.\nYou receive: about ${formatGhs(preview.proceedsGhs)}, more if buyers pay above your price.\nThe ${asset} is reserved from your wallet now.`;
    const decision = await choose(
      conversation,
      ctx,
      html`${buying ? '🟢' : '🔴'} <b>${buying ? 'Buy' : 'Sell'} ${formatCrypto(amount, asset)} at ${formatPrice(price)} or ${buying ? 'less' : 'more'}</b>

${money}

It matches the best offers on the book at once; whatever is left stays on the book until it fills, you cancel it, or it expires on ${formatDateTime(new Date(preview.expiresAt))}.
Reference: <code>${reference}</code>`,
      [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]],
    );
    if (decision === 'cancel') {
      await ctx.reply('Cancelled; nothing was saved.');
      return;
    }
    if (!(await askPin(conversation, ctx, deps.access, user.id))) return;
    const result = await conversation.external(() => market.place({ userId: user.id, side, amount, price, reference }));
    if (result.status !== 'placed') {
      await ctx.reply(notCreatedText(result));
      return;
    }
    await ctx.reply(placedText(result.order, result.traded, asset).value);
    // The owners of the orders it matched hear about their fills now rather than at the next delivery run.
    await conversation.external(() =>
      deps.delivery.deliverDue().catch((error: unknown) => {
        deps.logger.error({ err: error }, 'notification delivery failed');
        return 0;
      }),
    );
  };
}

import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { MoneyAccess } from '../../services/accounts/moneyAccess.ts';
import { Big, formatCrypto, formatGhs, formatPrice } from '../../services/common/amounts.ts';
import type { BookLevel, MarketOverview } from '../../services/market/marketViews.ts';
import type { MarketService } from '../../services/market/market.ts';
import { PLACE_ORDER } from '../../scenes/market/placeOrder.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { html, joinHtml, plainText, type SafeHtml } from '../../telegram/html.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import type { OrderList } from '../module.ts';

const MARKET_BUTTON = /^mkt:(BUY|SELL|mine|refresh)$/;

function levelsText(levels: readonly BookLevel[], asset: string): SafeHtml {
  if (levels.length === 0) return html`<i>none</i>`;
  return joinHtml(levels.map((level) => html`${formatPrice(level.price)} · ${formatCrypto(level.amount, asset)}`));
}

function dayText(overview: MarketOverview, asset: string): SafeHtml {
  if (overview.trades24h === 0) return html`No trades in the last 24 h.`;
  const change = overview.change24hPercent === null ? '' : ` · change ${new Big(overview.change24hPercent).gt(0) ? '+' : ''}${overview.change24hPercent}%`;
  return html`Last 24 h: ${formatCrypto(overview.volume24h, asset)} (${formatGhs(overview.volume24hGhs)}) in ${overview.trades24h} ${overview.trades24h === 1 ? 'trade' : 'trades'}${change}`;
}

export function marketText(overview: MarketOverview, asset: string): SafeHtml {
  const last = overview.lastPrice ? html`Last trade: <b>${formatPrice(overview.lastPrice)}</b>
${dayText(overview, asset)}` : html`No trades yet.`;
  // Asks from the highest of the best five down, so the best ask and the best bid meet in the middle.
  return html`📈 <b>${overview.pair} market</b>
${last}

🔴 <b>Sell orders</b> (price · ${asset})
${levelsText([...overview.asks].reverse(), asset)}
🟢 <b>Buy orders</b> (price · ${asset})
${levelsText(overview.bids, asset)}

Tap Buy or Sell to place a limit order: it fills against the best prices first, and the rest waits on the book.`;
}

export const marketKeyboard = new InlineKeyboard()
  .text('🟢 Buy', 'mkt:BUY')
  .text('🔴 Sell', 'mkt:SELL')
  .row()
  .text('📦 My orders', 'mkt:mine')
  .text('🔄 Refresh', 'mkt:refresh');

/** /market: the book, the last trade and the day's figures, with Buy, Sell, My orders and Refresh. */
export async function showMarket(ctx: BotContext, market: MarketService, asset: string): Promise<void> {
  await ctx.reply(marketText(await market.overview(), asset).value, { reply_markup: marketKeyboard });
}

/** The /market buttons: Buy and Sell start an order, My orders lists them, Refresh redraws the book in place. */
export function marketButtons(deps: { market: MarketService; access: MoneyAccess; asset: string; orders: OrderList }): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(MARKET_BUTTON, async (ctx) => {
    const action = ctx.match[1];
    if (action === 'refresh') {
      const text = marketText(await deps.market.overview(), deps.asset);
      // Telegram refuses an edit that changes nothing, so an unchanged book is only said to be so.
      const unchanged = ctx.callbackQuery.message?.text === plainText(text);
      await ctx.answerCallbackQuery({ text: unchanged ? 'Nothing has changed since.' : 'Updated.' });
      if (!unchanged) await editQuietly(ctx.editMessageText(text.value, { reply_markup: marketKeyboard }));
      return;
    }
    await ctx.answerCallbackQuery();
    if (action === 'mine') {
      if (!ctx.appUser) {
        await ctx.reply('Please register first: send /start.');
        return;
      }
      const page = await deps.orders.render(ctx.appUser.id, 0);
      await ctx.reply(page.text.value, page.keyboard ? { reply_markup: page.keyboard } : {});
      return;
    }
    if (await mayMoveMoney(ctx, deps.access)) await ctx.conversation.enter(PLACE_ORDER, action);
  });
  return feature;
}

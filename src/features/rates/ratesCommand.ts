import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatGhs, formatPrice } from '../../services/common/amounts.ts';
import type { SharedServices } from '../../services/index.ts';
import { formatAge, formatWhen } from '../../telegram/format.ts';
import { html } from '../../telegram/html.ts';

export const SET_PRICE_BUTTON = 'rates:set';

/** /rates: the price the bot quotes from, its source and age, the buy and sell rates, and a manual override. */
export async function showRates(ctx: BotContext, services: Pick<SharedServices, 'asset' | 'rates' | 'settings' | 'quotes' | 'clock'>): Promise<void> {
  const { asset } = services;
  const [price, settings] = await Promise.all([services.rates.currentPrice(), services.settings.current()]);
  const keyboard = new InlineKeyboard().text('✏️ Set the price by hand', SET_PRICE_BUTTON);
  if (!price) {
    await ctx.reply(html`💱 <b>${asset} price</b>\n\nNo price yet (live source: ${settings.live_rate_source}). Trading is paused until there is one.`.value, {
      reply_markup: keyboard,
    });
    return;
  }
  const { buy, sell } = await services.quotes.unitRates(price.priceGhs);
  const manualMode = settings.live_rate_source === 'manual';
  const state = price.stale ? html`⚠️ <b>stale: trading is paused</b>` : manualMode ? html`set by hand: it does not go stale` : html`fresh`;
  await ctx.reply(
    html`💱 <b>${asset} price</b>

Price: ${formatPrice(price.priceGhs)} from ${price.source}, ${formatWhen(price.fetchedAt)}, ${formatAge(price.fetchedAt, services.clock())} ago (${state})
Live source: ${settings.live_rate_source} (change it in /settings)
Spread ${settings.spread_percent}%: users buy at ${formatGhs(buy)} and sell at ${formatGhs(sell)}`.value,
    { reply_markup: keyboard },
  );
}

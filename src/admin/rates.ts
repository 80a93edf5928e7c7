import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { SET_PRICE } from '../scenes/setPrice.ts';
import type { Services } from '../services/index.ts';
import { formatGhs, formatPrice } from '../services/money.ts';
import { formatWhen } from '../ui/format.ts';
import { html } from '../ui/html.ts';
import { asAdmin } from './guard.ts';

/** /rates: the price the bot quotes from, its source and age, the buy and sell rates, and a manual override. */
export function ratesFeature(deps: { services: Services; adminChatId: number }): Composer<BotContext> {
  const { services } = deps;
  const feature = new Composer<BotContext>();
  const asset = services.asset;

  feature.command('rates', (ctx) =>
    asAdmin(ctx, { admins: services.admins, adminChatId: deps.adminChatId }, async () => {
      const [price, settings] = await Promise.all([services.rates.currentPrice(), services.settings.current()]);
      const keyboard = new InlineKeyboard().text('✏️ Set the price by hand', 'rates:set');
      if (!price) {
        await ctx.reply(html`💱 <b>${asset} price</b>\n\nNo price yet (live source: ${settings.live_rate_source}). Trading is paused until there is one.`.value, {
          reply_markup: keyboard,
        });
        return;
      }
      const { buy, sell } = await services.quotes.unitRates(price.priceGhs);
      const state = price.stale ? html`⚠️ <b>stale: trading is paused</b>` : html`fresh`;
      await ctx.reply(
        html`💱 <b>${asset} price</b>

Price: ${formatPrice(price.priceGhs)} from ${price.source}, ${formatWhen(price.fetchedAt)} (${state})
Live source: ${settings.live_rate_source} (change it in /settings)
Spread ${settings.spread_percent}%: users buy at ${formatGhs(buy)} and sell at ${formatGhs(sell)}`.value,
        { reply_markup: keyboard },
      );
    }),
  );
  feature.callbackQuery('rates:set', (ctx) =>
    asAdmin(ctx, { admins: services.admins, adminChatId: deps.adminChatId }, async () => {
      await ctx.answerCallbackQuery();
      await ctx.conversation.enter(SET_PRICE);
    }),
  );
  return feature;
}

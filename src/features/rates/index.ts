import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { ACCEPT_REFUSED_PRICE, refreshRatesJob } from '../../jobs/refreshRates.ts';
import { createSetPriceConversation, SET_PRICE } from '../../scenes/rates/setPrice.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { defineModule } from '../module.ts';
import { acceptRefusedPrice } from './refusedPrice.ts';
import { SET_PRICE_BUTTON, showRates } from './ratesCommand.ts';

/** Rates: the live price of the asset (fetched every minute), or one an admin sets by hand. */
export const ratesModule = defineModule({
  name: 'rates',
  commands: [{ command: 'rates', description: 'The live price, and set it by hand', position: 220, adminOnly: true }],
  telegram(deps) {
    const { kernel } = deps;
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'rates', (ctx) => showRates(ctx, kernel));
    const guard = { admins: kernel.admins, adminChatId: deps.config.adminChatId };
    composer.callbackQuery(SET_PRICE_BUTTON, (ctx) =>
      asAdmin(ctx, guard, async () => {
        await ctx.answerCallbackQuery();
        await ctx.conversation.enter(SET_PRICE);
      }),
    );
    composer.callbackQuery(ACCEPT_REFUSED_PRICE, (ctx) => asAdmin(ctx, guard, () => acceptRefusedPrice(ctx, kernel, Number(ctx.match[1]))));
    return { composer, conversations: [{ restartCommand: 'rates', name: SET_PRICE, builder: createSetPriceConversation({ rates: kernel.rates, asset: kernel.asset }) }] };
  },
  jobs: (deps) => [refreshRatesJob({ rates: deps.kernel.rates, clock: deps.kernel.clock, api: deps.api, adminChatId: deps.config.adminChatId, asset: deps.kernel.asset, logger: deps.logger })],
});

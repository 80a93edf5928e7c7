import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { refreshRatesJob } from '../../jobs/refreshRates.ts';
import { createSetPriceConversation, SET_PRICE } from '../../scenes/rates/setPrice.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { defineModule } from '../module.ts';
import { SET_PRICE_BUTTON, showRates } from './ratesCommand.ts';

/** Rates: the live price of the asset (fetched every minute), or one an admin sets by hand. */
export const ratesModule = defineModule({
  name: 'rates',
  commands: [{ command: 'rates', description: 'The live price, and set it by hand', position: 220, adminOnly: true }],
  telegram(deps) {
    const { kernel } = deps;
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'rates', (ctx) => showRates(ctx, kernel));
    composer.callbackQuery(SET_PRICE_BUTTON, (ctx) =>
      asAdmin(ctx, { admins: kernel.admins, adminChatId: deps.config.adminChatId }, async () => {
        await ctx.answerCallbackQuery();
        await ctx.conversation.enter(SET_PRICE);
      }),
    );
    return { composer, conversations: [{ restartCommand: 'rates', name: SET_PRICE, builder: createSetPriceConversation({ rates: kernel.rates, asset: kernel.asset }) }] };
  },
  jobs: (deps) => [refreshRatesJob({ rates: deps.kernel.rates, clock: deps.kernel.clock, api: deps.api, adminChatId: deps.config.adminChatId, asset: deps.kernel.asset, logger: deps.logger })],
});

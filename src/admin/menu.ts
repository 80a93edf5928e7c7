import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { commandOrButton } from '../features/commands.ts';
import type { SettingsService } from '../services/settings.ts';
import { asAdmin } from './guard.ts';
import { showPending, type PendingDeps } from './pending.ts';
import { showSettings } from './settings.ts';

/** /admin: the admin menu; every button checks again that the one pressing it is an admin. */
export function adminMenuFeature(deps: PendingDeps & { settings: SettingsService }): Composer<BotContext> {
  // Answered here, not by the plugin: a non-admin gets an alert, and a callback query is answered only once.
  const pressed = (ctx: BotContext, show: () => Promise<void>) =>
    asAdmin(ctx, deps, async () => {
      await ctx.answerCallbackQuery();
      await show();
    });
  const menu = new Menu<BotContext>('admin', { autoAnswer: false })
    .text('📋 Pending requests', (ctx) => pressed(ctx, () => showPending(ctx, deps)))
    .row()
    .text('⚙️ Settings', (ctx) => pressed(ctx, () => showSettings(ctx, deps.settings)));
  const feature = new Composer<BotContext>();
  feature.use(menu);
  feature.filter(commandOrButton('admin'), (ctx) =>
    asAdmin(ctx, deps, () => ctx.reply('🛠 <b>Admin menu</b>\nWhat would you like to do?', { reply_markup: menu })),
  );
  return feature;
}

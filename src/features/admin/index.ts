import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createSettingsEditConversation, SETTINGS_EDIT } from '../../scenes/admin/settingsEdit.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { defineModule } from '../module.ts';
import { createDatabaseStatsService } from '../../services/admin/databaseStats.ts';
import { showDatabaseStats } from './dbstatsCommand.ts';
import { EDIT_SETTING, showSettings } from './settingsCommand.ts';

/** Admin: the /admin menu (a button per admin command that offers one), the settings editor and /dbstats. */
export const adminModule = defineModule({
  name: 'admin',
  commands: [
    { command: 'admin', description: 'Admin menu', position: 200, button: '🛠 Admin', adminOnly: true },
    { command: 'settings', description: 'View and change the settings', position: 230, adminOnly: true, adminMenuButton: '⚙️ Settings' },
    { command: 'dbstats', description: 'Database size and rows per table', position: 260, adminOnly: true, adminMenuButton: '🗄 Database' },
  ],
  services: (shared) => ({ databaseStats: createDatabaseStatsService(shared.pool) }),
  telegram(deps) {
    const { kernel } = deps;
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'admin', (ctx) =>
      ctx.reply('🛠 <b>Admin menu</b>\nWhat would you like to do?', { reply_markup: deps.menu.adminMenuKeyboard() }),
    );
    deps.menu.handle(composer, 'settings', (ctx) => showSettings(ctx, kernel.settings, deps.menu.all.filter((info) => info.settingsButton)));
    deps.menu.handle(composer, 'dbstats', (ctx) => showDatabaseStats(ctx, deps.services.databaseStats));
    composer.callbackQuery(EDIT_SETTING, (ctx) =>
      asAdmin(ctx, { admins: kernel.admins, adminChatId: deps.config.adminChatId }, async () => {
        await ctx.answerCallbackQuery();
        await ctx.conversation.enter(SETTINGS_EDIT, ctx.match[1] ?? '');
      }),
    );
    return { composer, conversations: [{ restartCommand: 'settings', name: SETTINGS_EDIT, builder: createSettingsEditConversation(kernel.settings) }] };
  },
});

import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { SETTINGS_EDIT } from '../scenes/settingsEdit.ts';
import type { AdminService } from '../services/admins.ts';
import type { SettingsService } from '../services/settings.ts';
import { html, joinHtml } from '../ui/html.ts';
import { asAdmin } from './guard.ts';

const EDIT_SETTING = /^st:([a-z_]+)$/;

export async function showSettings(ctx: BotContext, settings: SettingsService): Promise<void> {
  const current = await settings.current();
  const fields = settings.fields();
  const lines = fields.map((field) => html`<b>${field.label}:</b> ${field.format(current)}`);
  const keyboard = new InlineKeyboard();
  fields.forEach((field) => keyboard.text(`✏️ ${field.label}`, `st:${field.key}`).row());
  await ctx.reply(html`⚙️ <b>Settings</b>\n\n${joinHtml(lines)}\n\nTap a setting to change it.`.value, { reply_markup: keyboard });
}

export function settingsFeature(deps: { admins: AdminService; settings: SettingsService; adminChatId: number }): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('settings', (ctx) => asAdmin(ctx, deps, () => showSettings(ctx, deps.settings)));
  feature.callbackQuery(EDIT_SETTING, (ctx) =>
    asAdmin(ctx, deps, async () => {
      await ctx.answerCallbackQuery();
      await ctx.conversation.enter(SETTINGS_EDIT, ctx.match[1] ?? '');
    }),
  );
  return feature;
}

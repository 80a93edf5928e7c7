import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { SettingsService } from '../../services/admin/settings.ts';
import { commandButtonData, type CommandInfo } from '../../telegram/commands.ts';
import { html, joinHtml } from '../../telegram/html.ts';

export const EDIT_SETTING = /^st:([a-z_]+)$/;

/** /settings: every setting with its value, a button to change each, and the screens of modules' own settings. */
export async function showSettings(ctx: BotContext, settings: SettingsService, screens: readonly CommandInfo[]): Promise<void> {
  const current = await settings.current();
  const fields = settings.fields();
  const lines = fields.map((field) => html`<b>${field.label}:</b> ${field.format(current)}`);
  const keyboard = new InlineKeyboard();
  fields.forEach((field) => keyboard.text(`✏️ ${field.label}`, `st:${field.key}`).row());
  screens.forEach((screen) => keyboard.text(screen.settingsButton ?? screen.command, commandButtonData(screen.command)).row());
  await ctx.reply(html`⚙️ <b>Settings</b>\n\n${joinHtml(lines)}\n\nTap a setting to change it.`.value, { reply_markup: keyboard });
}

import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { html, joinHtml } from '../../telegram/html.ts';

/** /help lists the commands this user may use; it works in the middle of a conversation too. */
export function helpFeature(menu: CommandMenu): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  menu.handle(feature, 'help', async (ctx) => {
    const isAdmin = ctx.appUser?.role === 'admin';
    const lines = menu.all.filter((entry) => isAdmin || !entry.adminOnly).map((entry) => html`/${entry.command} — ${entry.description}`);
    const next = ctx.appUser ? html`Use the menu buttons or type a command.` : html`New here? Send /start to register.`;
    await ctx.reply(html`<b>What I can do</b>\n\n${joinHtml(lines)}\n\n${next}`.value);
  });
  return feature;
}

import type { BotContext } from '../../context.ts';
import { REGISTRATION } from '../../scenes/accounts/registration.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { html } from '../../telegram/html.ts';

const WELCOME = html`👋 <b>Welcome to the trading desk!</b>

Here you can buy and sell crypto for cedis with mobile money or a bank transfer, sell gift cards, trade with other users on the market, and learn with short tutorials. Our team checks every payment before money moves.

Registration takes about two minutes. You can send /cancel at any time.`;

/** /start: the main menu for a registered user, registration for a new one. */
export async function start(ctx: BotContext, menu: CommandMenu): Promise<void> {
  const user = ctx.appUser;
  if (user) {
    await ctx.reply(html`Welcome back, ${user.first_name}! Choose from the menu below.`.value, {
      reply_markup: await menu.mainMenuFor(user),
    });
    return;
  }
  await ctx.reply(WELCOME.value, { reply_markup: { remove_keyboard: true } });
  await ctx.conversation.enter(REGISTRATION);
}

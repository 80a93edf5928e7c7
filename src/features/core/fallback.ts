import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { CommandMenu } from '../../telegram/commands.ts';

/** The last handler: anything nobody handled gets a way forward (in private chats; groups are left alone). */
export function fallbackFeature(menu: CommandMenu): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'That button is no longer active.' }));
  feature.chatType('private').use(async (ctx) => {
    if (!ctx.message) return;
    const user = ctx.appUser;
    if (!user) {
      await ctx.reply('I only know registered users. Send /start to register; it takes about two minutes.');
      return;
    }
    await ctx.reply("Sorry, I didn't understand that. Choose from the menu below, or send /help to see all commands.", {
      reply_markup: await menu.mainMenuFor(user),
    });
  });
  return feature;
}

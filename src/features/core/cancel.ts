import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { CommandMenu } from '../../telegram/commands.ts';

/** /cancel leaves any conversation; nothing it collected is written. */
export function cancelFeature(menu: CommandMenu): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('cancel', async (ctx) => {
    const wasActive = Object.keys(ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    const user = ctx.appUser;
    const text = wasActive ? 'Cancelled. Nothing was saved.' : 'There is nothing to cancel.';
    const next = user ? ' Choose from the menu below.' : ' Send /start when you want to register.';
    await ctx.reply(text + next, {
      reply_markup: user ? await menu.mainMenuFor(user) : { remove_keyboard: true },
    });
  });
  return feature;
}

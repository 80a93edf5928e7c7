import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { QUESTION_CLOSED } from '../../scenes/ask/ask.ts';
import type { CommandMenu } from '../../telegram/commands.ts';

const inConversation = (ctx: BotContext): boolean => Object.keys(ctx.conversation.active()).length > 0;

/** /cancel leaves any conversation; nothing it collected is written. */
export function cancelFeature(menu: CommandMenu): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('cancel', async (ctx) => {
    const wasActive = inConversation(ctx);
    await ctx.conversation.exitAll();
    const user = ctx.appUser;
    const text = wasActive ? 'Cancelled. Nothing was saved.' : 'There is nothing to cancel.';
    // The main menu is a reply keyboard for a user's private chat; in the admin group it would cover everyone's.
    if (ctx.chat?.type !== 'private') {
      await ctx.reply(text);
      return;
    }
    const next = user ? ' Choose from the menu below.' : ' Send /start when you want to register.';
    await ctx.reply(text + next, {
      reply_markup: user ? await menu.mainMenuFor(user) : { remove_keyboard: true },
    });
  });
  return feature;
}

/**
 * A main-menu button pressed while a question is open is never taken as the answer: the conversation is left,
 * with a line saying so, and the button's command runs (❓ Help, handled before this, shows help and keeps the
 * question, as /help does).
 */
export function menuButtonLeavesConversation(menu: CommandMenu): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature
    .chatType('private')
    .filter((ctx) => menu.commandOfButton(ctx.message?.text) !== undefined && inConversation(ctx))
    .use(async (ctx, next) => {
      await ctx.conversation.exitAll();
      await ctx.reply(`⏹ ${QUESTION_CLOSED}`);
      await next();
    });
  return feature;
}

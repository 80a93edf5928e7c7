import type { Context, MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.ts';
import type { StoredConversation } from '../db/conversationStates.ts';
import type { UserService } from '../services/accounts/users.ts';
import { conversationKey } from './expiredConversations.ts';

const DEACTIVATED =
  'Your account has been deactivated, so I cannot do anything for you. If you think this is a mistake, contact support by e-mail with your username.';

// The conversation read with the user, for the conversations plugin's storage in the same update.
const conversationsRead = new WeakMap<Context, StoredConversation>();

/** The conversation loadAccount read for this update, once (undefined: read it now). */
export function takeConversationRead(ctx: Context): StoredConversation | undefined {
  const stored = conversationsRead.get(ctx);
  conversationsRead.delete(ctx);
  return stored;
}

/**
 * Loads the registered user behind every update, with the conversation stored for its chat in the same round
 * trip; a deactivated account is told so and nothing else runs.
 */
export function loadAccount(users: UserService): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = conversationKey(ctx);
    if (ctx.from && key !== undefined) {
      const { user, conversation } = await users.findWithConversation(ctx.from.id, key);
      ctx.appUser = user;
      conversationsRead.set(ctx, conversation);
    } else {
      ctx.appUser = ctx.from ? await users.findByTelegramId(ctx.from.id) : null;
    }
    if (ctx.appUser && !ctx.appUser.is_active) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: DEACTIVATED, show_alert: true });
      else if (ctx.chat?.type === 'private') await ctx.reply(DEACTIVATED);
      return;
    }
    await next();
  };
}

import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.ts';
import type { UserService } from '../services/accounts/users.ts';

const DEACTIVATED =
  'Your account has been deactivated, so I cannot do anything for you. If you think this is a mistake, contact support by e-mail with your username.';

/** Loads the registered user behind every update; a deactivated account is told so and nothing else runs. */
export function loadAccount(users: UserService): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.appUser = ctx.from ? await users.findByTelegramId(ctx.from.id) : null;
    if (ctx.appUser && !ctx.appUser.is_active) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: DEACTIVATED, show_alert: true });
      else if (ctx.chat?.type === 'private') await ctx.reply(DEACTIVATED);
      return;
    }
    await next();
  };
}

import type { BotContext } from '../context.ts';
import type { AdminService } from '../services/accounts/admins.ts';

export const ADMINS_ONLY = 'Only admins can do this.';
export const ADMIN_PLACES_ONLY = 'Admin work happens in the admin chat or in your private chat with me.';

export interface AdminGuardDeps {
  admins: AdminService;
  adminChatId: number;
}

/** The admin chat, or an admin's private chat with the bot: the only places admin actions are taken. */
export function isAdminPlace(ctx: BotContext, adminChatId: number): boolean {
  return ctx.chat?.id === adminChatId || ctx.chat?.type === 'private';
}

/**
 * Runs `action` for an admin in an admin place; anyone else is told why not (an alert for a button, a reply
 * otherwise), so other groups never see requests or settings.
 */
export async function asAdmin(ctx: BotContext, deps: AdminGuardDeps, action: () => Promise<unknown>): Promise<void> {
  const refusal = !isAdminPlace(ctx, deps.adminChatId)
    ? ADMIN_PLACES_ONLY
    : !ctx.from || !(await deps.admins.actorFor(ctx.from))
      ? ADMINS_ONLY
      : undefined;
  if (!refusal) {
    await action();
    return;
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: refusal, show_alert: true });
  else await ctx.reply(refusal);
}

import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.ts';
import type { CommandMenu } from '../telegram/commands.ts';
import { addressTo, html } from '../telegram/html.ts';
import { noteConversationsExpired } from './conversationLifecycle.ts';

/** Where a user's conversation in a chat is stored: per chat and user, so admins in the group never share one. */
export function conversationKey(ctx: BotContext): string | undefined {
  return ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined;
}

/**
 * A user coming back to a conversation that expired (30 minutes without an answer) hears so once. A command, a
 * main-menu button or a tap on a button is then handled as usual; typed text or a photo was an answer to a
 * question that is gone, so it goes no further.
 */
export function expiredConversationNotice(deps: {
  takeExpired(key: string): Promise<readonly string[] | null>;
  menu: CommandMenu;
  /** Conversation name → the command that starts it. */
  restartCommands: ReadonlyMap<string, string>;
}): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = conversationKey(ctx);
    const flows = key ? await deps.takeExpired(key) : null;
    if (!flows || flows.length === 0) {
      await next();
      return;
    }
    noteConversationsExpired(ctx, flows);
    const command = flows.map((flow) => deps.restartCommands.get(flow)).find((name) => deps.menu.all.some((entry) => entry.command === name));
    const restart = command ? ` Send /${command} to start again.` : ' Send /help to see what you can do.';
    // In the admin group, addressed to the admin whose question it was.
    const who = ctx.chat?.type !== 'private' && ctx.from ? addressTo(ctx.from) : '';
    // A message, not the tap's answer: the tap goes on to its handler, which answers it.
    await ctx.reply(html`${who}⌛ What you were doing was closed after 30 minutes without an answer, so nothing from it was saved.${restart}`.value);
    const text = ctx.message?.text;
    if (ctx.callbackQuery || text?.startsWith('/') || deps.menu.commandOfButton(text) !== undefined) await next();
  };
}

import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.ts';
import type { CommandMenu } from '../telegram/commands.ts';
import type { PaymentKind } from '../services/wallet/payments.ts';
import { addressTo, html } from '../telegram/html.ts';
import { awaitingPaymentNotice } from '../telegram/paymentReports.ts';
import { noteConversationsExpired } from './conversationLifecycle.ts';

/** Where a user's conversation in a chat is stored: per chat and user, so admins in the group never share one. */
export function conversationKey(ctx: BotContext): string | undefined {
  return ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined;
}

/**
 * A user coming back to a conversation that expired (30 minutes without an answer) hears so once. A command, a
 * main-menu button or a tap on a button is then handled as usual; typed text or a photo was an answer to a
 * question that is gone, so it goes no further, except a screenshot while a payment the user was told to make
 * awaits its report (the notice names those, with their references).
 */
export function expiredConversationNotice(deps: {
  takeExpired(key: string): Promise<readonly string[] | null>;
  menu: CommandMenu;
  /** Conversation name → the command that starts it. */
  restartCommands: ReadonlyMap<string, string>;
  /** The user's requests awaiting their payment (stored when they were shown where to pay). */
  awaitingPayment(userId: number): Promise<readonly { kind: PaymentKind; id: number; reference: string }[]>;
  /** The conversations that show where to pay (ConversationEntry.showsPayment). */
  paymentFlows: ReadonlySet<string>;
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
    // A payment the user was told to make was stored then: the notice names it, so it is neither lost nor paid twice.
    const paying = ctx.chat?.type === 'private' && ctx.appUser && flows.some((flow) => deps.paymentFlows.has(flow)) ? ctx.appUser : null;
    const payments = paying ? awaitingPaymentNotice(await deps.awaitingPayment(paying.id)) : null;
    const closed = payments
      ? html`${who}⌛ What you were doing was closed after 30 minutes without an answer.\n\n${payments.text}\n\n${restart.trim()}`
      : html`${who}⌛ What you were doing was closed after 30 minutes without an answer, so nothing from it was saved.${restart}`;
    // A message, not the tap's answer: the tap goes on to its handler, which answers it.
    await ctx.reply(closed.value, payments ? { reply_markup: payments.keyboard } : {});
    const text = ctx.message?.text;
    // A screenshot with a payment awaiting goes on too: it is the proof of that payment (features/wallet/paymentReports.ts).
    const proof = payments !== null && (ctx.message?.photo !== undefined || ctx.message?.document !== undefined);
    if (ctx.callbackQuery || proof || text?.startsWith('/') || deps.menu.commandOfButton(text) !== undefined) await next();
  };
}

import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { QUESTION_CLOSED } from '../../scenes/ask/ask.ts';
import type { PaymentKind } from '../../services/wallet/payments.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { awaitingPaymentNotice } from '../../telegram/paymentReports.ts';

const inConversation = (ctx: BotContext): boolean => Object.keys(ctx.conversation.active()).length > 0;

/** The user's requests awaiting their payment: stored when they were shown where to pay, so leaving keeps them. */
export type AwaitingPayments = (userId: number) => Promise<readonly { kind: PaymentKind; id: number; reference: string }[]>;

/** After leaving a conversation in a private chat: the payments it may have left awaiting, named (none: nothing). */
async function tellAwaitingPayments(ctx: BotContext, awaitingPayment: AwaitingPayments): Promise<boolean> {
  if (ctx.chat?.type !== 'private' || !ctx.appUser) return false;
  const notice = awaitingPaymentNotice(await awaitingPayment(ctx.appUser.id));
  if (notice) await ctx.reply(notice.text.value, { reply_markup: notice.keyboard });
  return notice !== null;
}

/** /cancel leaves any conversation; nothing it collected is written, but a payment request shown stays (and is named). */
export function cancelFeature(menu: CommandMenu, awaitingPayment: AwaitingPayments): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('cancel', async (ctx) => {
    const wasActive = inConversation(ctx);
    await ctx.conversation.exitAll();
    const user = ctx.appUser;
    const keptPayments = wasActive && (await tellAwaitingPayments(ctx, awaitingPayment));
    const text = wasActive ? (keptPayments ? 'Cancelled.' : 'Cancelled. Nothing was saved.') : 'There is nothing to cancel.';
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
export function menuButtonLeavesConversation(menu: CommandMenu, awaitingPayment: AwaitingPayments): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature
    .chatType('private')
    .filter((ctx) => menu.commandOfButton(ctx.message?.text) !== undefined && inConversation(ctx))
    .use(async (ctx, next) => {
      await ctx.conversation.exitAll();
      await ctx.reply(`⏹ ${QUESTION_CLOSED}`);
      await tellAwaitingPayments(ctx, awaitingPayment);
      await next();
    });
  return feature;
}

import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { QUESTION_CLOSED } from '../../scenes/ask/ask.ts';
import type { PaymentKind } from '../../services/wallet/payments.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { awaitingPaymentNotice } from '../../telegram/paymentReports.ts';

const inConversation = (ctx: BotContext): boolean => Object.keys(ctx.conversation.active()).length > 0;

/** Leaving a conversation that showed where to pay keeps the request it stored (awaiting payment), and names it. */
export interface LeavingPayments {
  /** The user's requests awaiting their payment. */
  awaitingPayment(userId: number): Promise<readonly { kind: PaymentKind; id: number; reference: string }[]>;
  /** The conversations that show where to pay (ConversationEntry.showsPayment). */
  paymentFlows: ReadonlySet<string>;
}

/**
 * Before leaving the active conversations in a private chat: when one showed where to pay, a function that names
 * the requests it may have left awaiting payment (true when there were some).
 */
function awaitingPaymentsOf(ctx: BotContext, leaving: LeavingPayments): (() => Promise<boolean>) | null {
  const user = ctx.appUser;
  const paying = Object.keys(ctx.conversation.active()).some((name) => leaving.paymentFlows.has(name));
  if (ctx.chat?.type !== 'private' || !user || !paying) return null;
  return () => tellAwaitingPayments(ctx, leaving, user.id);
}

async function tellAwaitingPayments(ctx: BotContext, leaving: LeavingPayments, userId: number): Promise<boolean> {
  const notice = awaitingPaymentNotice(await leaving.awaitingPayment(userId));
  if (notice) await ctx.reply(notice.text.value, { reply_markup: notice.keyboard });
  return notice !== null;
}

/** /cancel leaves any conversation; nothing it collected is written, but a payment request shown stays (and is named). */
export function cancelFeature(menu: CommandMenu, leaving: LeavingPayments): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('cancel', async (ctx) => {
    const wasActive = inConversation(ctx);
    const tellPayments = awaitingPaymentsOf(ctx, leaving);
    await ctx.conversation.exitAll();
    const user = ctx.appUser;
    const keptPayments = (await tellPayments?.()) ?? false;
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
export function menuButtonLeavesConversation(menu: CommandMenu, leaving: LeavingPayments): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature
    .chatType('private')
    .filter((ctx) => menu.commandOfButton(ctx.message?.text) !== undefined && inConversation(ctx))
    .use(async (ctx, next) => {
      const tellPayments = awaitingPaymentsOf(ctx, leaving);
      await ctx.conversation.exitAll();
      await ctx.reply(`⏹ ${QUESTION_CLOSED}`);
      await tellPayments?.();
      await next();
    });
  return feature;
}

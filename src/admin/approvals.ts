import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import type { AdminService } from '../services/admins.ts';
import type { DecisionRequest } from '../services/approvals.ts';
import { editQuietly } from '../telegram/errors.ts';
import { DECLINE_REASON } from '../scenes/declineReason.ts';
import { alreadyDecidedText, CARD_CALLBACK, cardKeyboard, declineReasonKeyboard } from './cards.ts';
import { publishDecision, takeDecision, type DecisionDeps } from './decisions.ts';
import { asAdmin } from './guard.ts';

/**
 * The buttons of approval cards. Every tap is checked again on the server: who tapped, where, and whether the
 * request is still open; the decision itself is one guarded update (see ApprovalService.decide).
 */
export function approvalsFeature(deps: DecisionDeps & { admins: AdminService; adminChatId: number }): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.callbackQuery(CARD_CALLBACK, async (ctx) => {
    const [, kindName = '', idText = '', verb = '', indexText = ''] = ctx.match;
    const id = Number(idText);
    await asAdmin(ctx, deps, () => handleCardTap(ctx, deps, kindName, id, verb, indexText));
  });
  return feature;
}

async function handleCardTap(
  ctx: BotContext & { from: NonNullable<BotContext['from']> },
  deps: DecisionDeps,
  kindName: string,
  id: number,
  verb: string,
  indexText: string,
): Promise<void> {
  const kind = deps.approvals.kind(kindName);
  const card = await deps.approvals.card(kindName, id);
  if (!kind || !card) {
    await ctx.answerCallbackQuery({ text: 'This request no longer exists.', show_alert: true });
    return;
  }
  if (card.status !== 'pending' && card.status !== 'under_review') {
    await ctx.answerCallbackQuery({ text: alreadyDecidedText(card, kind), show_alert: true });
    return;
  }
  if (verb === 'd' || verb === 'b') {
    // The reason is chosen on the card the admin tapped; the decision is taken with the reason.
    const keyboard = verb === 'd' ? declineReasonKeyboard(card, kind) : cardKeyboard(card, kind);
    await editQuietly(ctx.editMessageReplyMarkup(keyboard ? { reply_markup: keyboard } : {}));
    await ctx.answerCallbackQuery(verb === 'd' ? { text: 'Choose a reason.' } : {});
    return;
  }
  if (verb === 'o') {
    await ctx.answerCallbackQuery({ text: 'Type the reason in the chat.' });
    await ctx.conversation.enter(DECLINE_REASON, kindName, id);
    return;
  }
  const action = ACTIONS[verb];
  const reason = verb === 'x' ? kind.declineReasons[Number(indexText)] : undefined;
  if (!action || (verb === 'x' && reason === undefined)) {
    await ctx.answerCallbackQuery({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    return;
  }
  const outcome = await takeDecision(deps, { kind: kindName, id, action, from: ctx.from, reason });
  await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
  if (outcome.applied) await publishDecision(ctx.api, deps, kindName, id);
}

const ACTIONS: Partial<Record<string, DecisionRequest['action']>> = { a: 'approve', r: 'start_review', x: 'decline' };

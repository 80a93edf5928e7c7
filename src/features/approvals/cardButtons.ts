import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { DECLINE_REASON } from '../../scenes/approvals/declineReason.ts';
import { asAdmin, type AdminGuardDeps } from '../../telegram/adminGuard.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { alreadyDecidedText, CARD_CALLBACK, cardKeyboard, declineReasonKeyboard } from './cardText.ts';
import { publishDecision, takeDecision, type DecisionDeps } from './decisions.ts';

const ACTIONS: Partial<Record<string, DecisionRequest['action']>> = { a: 'approve', r: 'start_review', x: 'decline' };

/**
 * The buttons of approval cards. Every tap is checked again on the server: who tapped, where, and whether the
 * request is still open; the decision itself is one guarded update (see ApprovalService.decide).
 */
export function cardButtons(deps: DecisionDeps & AdminGuardDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.callbackQuery(CARD_CALLBACK, async (ctx) => {
    const [, kind = '', idText = '', verb = '', indexText = ''] = ctx.match;
    await asAdmin(ctx, deps, () => handleCardTap(ctx, deps, kind, Number(idText), verb, indexText));
  });
  return feature;
}

async function handleCardTap(
  ctx: BotContext & { from: NonNullable<BotContext['from']> },
  deps: DecisionDeps,
  kind: string,
  id: number,
  verb: string,
  indexText: string,
): Promise<void> {
  const rules = deps.approvals.kind(kind);
  const view = deps.cards.view(kind);
  const card = await deps.approvals.card(kind, id);
  if (!rules || !view || !card) {
    await ctx.answerCallbackQuery({ text: 'This request no longer exists.', show_alert: true });
    return;
  }
  if (card.status !== 'pending' && card.status !== 'under_review') {
    await ctx.answerCallbackQuery({ text: alreadyDecidedText(card, view), show_alert: true });
    return;
  }
  if (verb === 'd' || verb === 'b') {
    // The reason is chosen on the card the admin tapped; the decision is taken with the reason.
    const keyboard = verb === 'd' ? declineReasonKeyboard(card, view) : cardKeyboard(card, view, rules.canStartReview);
    await editQuietly(ctx.editMessageReplyMarkup(keyboard ? { reply_markup: keyboard } : {}));
    await ctx.answerCallbackQuery(verb === 'd' ? { text: 'Choose a reason.' } : {});
    return;
  }
  if (verb === 'o') {
    await ctx.answerCallbackQuery({ text: 'Type the reason in the chat.' });
    await ctx.conversation.enter(DECLINE_REASON, kind, id);
    return;
  }
  const action = ACTIONS[verb];
  const reason = verb === 'x' ? view.declineReasons[Number(indexText)] : undefined;
  if (!action || (verb === 'x' && reason === undefined)) {
    await ctx.answerCallbackQuery({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    return;
  }
  const outcome = await takeDecision(deps, { kind, id, action, from: ctx.from, reason });
  await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
  if (outcome.applied) await publishDecision(ctx.api, deps, { kind, id, ownerId: outcome.ownerId });
}

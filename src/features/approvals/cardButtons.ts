import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { RequestFacts } from '../../services/approvals/approvalKind.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { DECLINE_REASON } from '../../scenes/approvals/declineReason.ts';
import { asAdmin, type AdminGuardDeps } from '../../telegram/adminGuard.ts';
import type { CardView } from '../../telegram/cards.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { alreadyDecidedText, CARD_CALLBACK, cardKeyboard, cardSteps, declineReasonKeyboard } from './cardText.ts';
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
  if (verb === 'f') {
    await followUpTap(ctx, deps, card, view, rules.followUp !== undefined);
    return;
  }
  if (verb === 'p') {
    await reopenTap(ctx, deps, card, rules.reopen !== undefined);
    return;
  }
  if (card.status !== 'pending' && card.status !== 'under_review') {
    await refreshTappedCard(ctx, deps, kind, id);
    await ctx.answerCallbackQuery({ text: alreadyDecidedText(card, view), show_alert: true });
    return;
  }
  if (verb === 'd' || verb === 'b') {
    // The reason is chosen on the card the admin tapped; the decision is taken with the reason.
    const keyboard = verb === 'd' ? declineReasonKeyboard(card, view) : cardKeyboard(card, view, cardSteps(rules));
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
  await decideAndPublish(ctx, deps, { kind, id, action, from: ctx.from, reason });
}

/** The answer comes once the decision has committed, and says what happened; the card's edit goes out from the queue. */
async function decideAndPublish(ctx: BotContext, deps: DecisionDeps, request: DecisionRequest): Promise<void> {
  const outcome = await takeDecision(deps, request);
  if (outcome.alreadyDecided) await refreshTappedCard(ctx, deps, request.kind, request.id);
  await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
  if (outcome.applied) publishDecision(deps, outcome);
}

/**
 * A tap on a card already decided: the card may show an old state (its edit still queued, or a copy the queue never
 * recorded), so a refresh of every copy, the tapped one included, is queued.
 */
async function refreshTappedCard(ctx: BotContext, deps: DecisionDeps, kind: string, id: number): Promise<void> {
  const message = ctx.callbackQuery?.message;
  await deps.approvals.refreshCard(kind, id, message ? { chatId: message.chat.id, messageId: message.message_id } : undefined);
  deps.cards.kick();
}

/** The step after approval (e.g. Mark completed): offered only on an approved request of a kind that has one. */
async function followUpTap(
  ctx: BotContext & { from: NonNullable<BotContext['from']> },
  deps: DecisionDeps,
  card: RequestFacts,
  view: CardView<unknown>,
  kindHasFollowUp: boolean,
): Promise<void> {
  if (!kindHasFollowUp || !view.followUp || card.status === 'pending' || card.status === 'under_review') {
    await ctx.answerCallbackQuery({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    return;
  }
  if (card.status !== 'approved') {
    await ctx.answerCallbackQuery({ text: alreadyDecidedText(card, view), show_alert: true });
    return;
  }
  await decideAndPublish(ctx, deps, { kind: card.kind, id: card.id, action: 'follow_up', from: ctx.from });
}

/** Re-open (a declined or expired buy or deposit): the admin who tapped types the reason, then it is re-opened. */
async function reopenTap(ctx: BotContext, deps: DecisionDeps, card: RequestFacts, kindReopens: boolean): Promise<void> {
  if (!kindReopens) {
    await ctx.answerCallbackQuery({ text: 'That button is no longer valid. Tap the card again.', show_alert: true });
    return;
  }
  if (card.status !== 'declined') {
    await refreshTappedCard(ctx, deps, card.kind, card.id);
    await ctx.answerCallbackQuery({ text: 'This request is open already: decide it on its card.', show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery({ text: 'Type the reason in the chat.' });
  await ctx.conversation.enter(DECLINE_REASON, card.kind, card.id, 'reopen');
}

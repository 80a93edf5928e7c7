import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { RequestFacts } from '../../services/approvals/approvalKind.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { CONFIRM_AMOUNT } from '../../scenes/approvals/confirmAmount.ts';
import { DECLINE_REASON } from '../../scenes/approvals/declineReason.ts';
import { PAYOUT_REFERENCE } from '../../scenes/approvals/payoutReference.ts';
import { asAdmin, type AdminGuardDeps } from '../../telegram/adminGuard.ts';
import type { CardView } from '../../telegram/cards.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { alreadyDecidedText, CARD_CALLBACK, cardKeyboard, cardSteps, claimHolderText, declineReasonKeyboard, takeOverKeyboard } from './cardText.ts';
import { claimText, publishDecision, takeDecision, type DecisionDeps } from './decisions.ts';

const PAYOUT_VERBS = new Set(['c', 'p', 'l', 't', 'k']);
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
  if (verb === 'u') {
    await reopenTap(ctx, deps, card, rules.reopen !== undefined);
    return;
  }
  if (card.status !== 'pending' && card.status !== 'under_review') {
    await refreshTappedCard(ctx, deps, kind, id);
    await ctx.answerCallbackQuery({ text: alreadyDecidedText(card, view), show_alert: true });
    return;
  }
  if (rules.payoutClaims && PAYOUT_VERBS.has(verb) && (await payoutTap(ctx, deps, card, view, verb, Number(indexText)))) return;
  if (verb === 'd' && card.claim) {
    const mine = card.claim.adminTelegramId === ctx.from.id;
    const text = mine ? 'You are paying this out: tap ↩️ Release first if you will not pay it, then Decline.' : `${claimHolderText(card.claim)}: it cannot be declined while claimed.`;
    await ctx.answerCallbackQuery({ text, show_alert: true });
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
  if (verb === 'a' && rules.amountConfirmation) {
    // The amount that arrived (and a batch) is asked first; the approval is taken with it.
    await ctx.answerCallbackQuery({ text: 'Type the amount that arrived in the chat.' });
    await ctx.conversation.enter(CONFIRM_AMOUNT, kind, id);
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

/**
 * A payout's own buttons: I'm paying this (c), Paid (p, which asks the payout reference), Release (l), Take over (t,
 * which asks to confirm) and the confirmed take-over (k<holder>). True when the tap was handled.
 */
async function payoutTap(
  ctx: BotContext & { from: NonNullable<BotContext['from']> },
  deps: DecisionDeps,
  card: RequestFacts,
  view: CardView<unknown>,
  verb: string,
  holder: number,
): Promise<boolean> {
  const request = { kind: card.kind, id: card.id, from: ctx.from };
  if (verb === 'p') {
    // Only the claimer is asked for the reference; the decision checks the claim again when it is typed.
    if (card.claim?.adminTelegramId !== ctx.from.id) {
      const text = card.claim ? `${claimHolderText(card.claim)}: only they can tap ${view.approveLabel}.` : "Nobody is paying this out yet. Tap 💸 I'm paying this before you pay it out.";
      await ctx.answerCallbackQuery({ text, show_alert: true });
      return true;
    }
    await ctx.answerCallbackQuery({ text: 'Type the payout reference in the chat.' });
    await ctx.conversation.enter(PAYOUT_REFERENCE, card.kind, card.id);
    return true;
  }
  if (verb === 't') {
    if (!card.claim || card.claim.adminTelegramId === ctx.from.id) {
      await ctx.answerCallbackQuery({ text: card.claim ? 'You are paying this out already.' : "Nobody is paying this out now: tap 💸 I'm paying this.", show_alert: true });
      return true;
    }
    // The confirmation replaces the tapped card's buttons, and names whose claim it takes.
    await editQuietly(ctx.editMessageReplyMarkup({ reply_markup: takeOverKeyboard(card, card.claim) }));
    await ctx.answerCallbackQuery({
      text: `${claimHolderText(card.claim)}. Take it over only if you know they have not paid it: if you both pay, the money goes out twice.`,
      show_alert: true,
    });
    return true;
  }
  const action = verb === 'c' ? 'claim' : verb === 'l' ? 'release' : 'take_over';
  const result =
    action === 'claim' ? await deps.approvals.claim(request) : action === 'release' ? await deps.approvals.release(request) : await deps.approvals.takeOver({ ...request, holder });
  const outcome = claimText(result, view, action, ctx.from.id);
  if (outcome.alreadyDecided) await refreshTappedCard(ctx, deps, card.kind, card.id);
  await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
  if (outcome.applied) deps.cards.kick();
  return true;
}

/** The answer comes once the decision has committed, and says what happened; the card's edit goes out from the queue. */
async function decideAndPublish(ctx: BotContext, deps: DecisionDeps, request: DecisionRequest): Promise<void> {
  const outcome = await takeDecision(deps, request);
  if (outcome.alreadyDecided) await refreshTappedCard(ctx, deps, request.kind, request.id);
  await ctx.answerCallbackQuery({ text: outcome.text, show_alert: outcome.alert });
  if (outcome.applied || outcome.cardChanged) publishDecision(deps, outcome);
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

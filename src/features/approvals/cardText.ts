import { InlineKeyboard } from 'grammy';
import type { ApprovalKind, RequestFacts } from '../../services/approvals/approvalKind.ts';
import type { CardView, Requester } from '../../telegram/cards.ts';
import { formatDateTime, formatWhen } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

/** Callback data of card buttons: `ap:<kind>:<id>:<verb>`, ids only (well under Telegram's 64 bytes). */
export const CARD_CALLBACK = /^ap:([a-z_]+):(\d+):([a-z])(\d*)$/;
/** Approve, decline (choose a reason), start review, decline with reason x<index>, other reason, back, follow-up, re-open. */
export type CardVerb = 'a' | 'd' | 'r' | 'x' | 'o' | 'b' | 'f' | 'p';

export function cardData(kind: string, id: number, verb: CardVerb, index?: number): string {
  return `ap:${kind}:${id}:${verb}${index ?? ''}`;
}

/** Who asked, on every card: name, username, Telegram id, phone and e-mail. */
function requesterFields(user: Requester): [string, string][] {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return [
    ['User', `${name} (@${user.username}, Telegram id ${user.telegram_id ?? 'none'})`],
    ['Phone', user.phone ?? 'not given'],
    ['E-mail', user.email],
  ];
}

function statusLine(card: RequestFacts, view: CardView<unknown>): string {
  if (card.status === 'pending') return '⏳ Waiting for a decision';
  if (card.status === 'under_review') return '🔎 In review';
  if (card.status === 'completed') return `🏁 ${view.followUp?.doneLabel ?? 'Completed'}`;
  if (card.status === 'approved' && view.followUp) return `✅ ${view.approvedLabel}: ${view.followUp.hint}`;
  return card.status === 'approved' ? `✅ ${view.approvedLabel}` : `❌ ${view.declinedLabel}`;
}

function followUpLine(card: RequestFacts, view: CardView<unknown>): SafeHtml | undefined {
  if (!card.followUp || card.status !== 'completed') return undefined;
  return html`🏁 <b>${view.followUp?.doneLabel ?? 'Completed'} by ${card.followUp.by}</b> at ${formatDateTime(card.followUp.at)}`;
}

function decisionLine(card: RequestFacts, view: CardView<unknown>): SafeHtml | undefined {
  const decision = card.decision;
  if (!decision) return undefined;
  const when = formatDateTime(decision.at);
  if (card.status === 'under_review') return html`🔎 <b>Under review by ${decision.by}</b> since ${when}`;
  if (card.status === 'approved' || card.status === 'completed') return html`✅ <b>${view.approvedLabel} by ${decision.by}</b> at ${when}`;
  if (card.status === 'declined') {
    return html`❌ <b>${view.declinedLabel} by ${decision.by}</b> at ${when}\nReason: ${decision.reason ?? 'none given'}`;
  }
  if (decision.action === 'reopen') return html`↩️ <b>Re-opened by ${decision.by}</b> at ${when}\nReason: ${decision.reason ?? 'none given'}`;
  return undefined;
}

export function renderCardText(card: RequestFacts, view: CardView<unknown>): SafeHtml {
  const fields = [...requesterFields(card.requester), ...view.fields(card)].map(([label, value]) => html`<b>${label}:</b> ${value}`);
  const decisions = [decisionLine(card, view), followUpLine(card, view)].filter((line) => line !== undefined);
  return joinHtml([
    html`<b>${view.title(card)}</b>`,
    html`Status: ${statusLine(card, view)} · submitted ${formatDateTime(card.submittedAt)}`,
    html``,
    joinHtml(fields),
    ...(decisions.length > 0 ? [html``, ...decisions] : []),
  ]);
}

/** What a request kind's rules allow on its card, besides approving and declining. */
export interface CardSteps {
  canStartReview: boolean;
  hasFollowUp: boolean;
  /** A declined (or expired) request of this kind can be re-opened. */
  canReopen: boolean;
}

export function cardSteps(rules: Pick<ApprovalKind, 'canStartReview' | 'followUp' | 'reopen'>): CardSteps {
  return { canStartReview: rules.canStartReview, hasFollowUp: rules.followUp !== undefined, canReopen: rules.reopen !== undefined };
}

/**
 * The buttons a card offers in its state: none once decided, except the follow-up of an approved request and the
 * re-opening of a declined one.
 */
export function cardKeyboard(card: RequestFacts, view: CardView<unknown>, steps: CardSteps): InlineKeyboard | undefined {
  if (card.status === 'approved' && steps.hasFollowUp && view.followUp) {
    return new InlineKeyboard().text(`🏁 ${view.followUp.buttonLabel}`, cardData(card.kind, card.id, 'f'));
  }
  if (card.status === 'declined' && steps.canReopen) return new InlineKeyboard().text('↩️ Re-open', cardData(card.kind, card.id, 'p'));
  if (card.status !== 'pending' && card.status !== 'under_review') return undefined;
  const keyboard = new InlineKeyboard()
    .text(`✅ ${view.approveLabel}`, cardData(card.kind, card.id, 'a'))
    .text(`❌ ${view.declineLabel}`, cardData(card.kind, card.id, 'd'));
  if (steps.canStartReview && card.status === 'pending') keyboard.row().text('🔎 Start review', cardData(card.kind, card.id, 'r'));
  return keyboard;
}

export function declineReasonKeyboard(card: RequestFacts, view: CardView<unknown>): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  view.declineReasons.forEach((reason, index) => keyboard.text(reason, cardData(card.kind, card.id, 'x', index)).row());
  return keyboard.text('✏️ Other reason', cardData(card.kind, card.id, 'o')).text('↩️ Back', cardData(card.kind, card.id, 'b'));
}

/** "Already approved by Ama at 14:02" and friends, for a tap that came too late. */
export function alreadyDecidedText(card: RequestFacts, view: CardView<unknown>): string {
  const decision = card.decision;
  if (!decision) return 'This request is no longer waiting for a decision.';
  const when = formatWhen(decision.at);
  if (card.status === 'under_review') return `Already under review by ${decision.by} since ${when}.`;
  if (card.status === 'pending') return decision.action === 'reopen' ? `Already re-opened by ${decision.by} at ${when}.` : 'This request is waiting for a decision.';
  if (card.status === 'completed' && card.followUp) {
    return `Already ${(view.followUp?.doneLabel ?? 'completed').toLowerCase()} by ${card.followUp.by} at ${formatWhen(card.followUp.at)}.`;
  }
  const verb = card.status === 'approved' ? view.approvedLabel : view.declinedLabel;
  return `Already ${verb.toLowerCase()} by ${decision.by} at ${when}.`;
}

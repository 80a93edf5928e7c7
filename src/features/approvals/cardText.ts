import { InlineKeyboard } from 'grammy';
import type { ApprovalKind, Claim, RequestFacts } from '../../services/approvals/approvalKind.ts';
import type { CardView, Requester } from '../../telegram/cards.ts';
import { formatDateTime, formatWhen } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

/** Callback data of card buttons: `ap:<kind>:<id>:<verb>`, ids only (well under Telegram's 64 bytes). */
export const CARD_CALLBACK = /^ap:([a-z_]+):(\d+):([a-z])(\d*)$/;
/**
 * Approve, decline (choose a reason), start review, decline with reason x<index>, other reason, back, follow-up; a
 * payout's claim ("I'm paying this"), Paid, release, take over (asks), and the confirmed take-over k<holder's id>;
 * re-open (u) a declined buy or deposit.
 */
export type CardVerb = 'a' | 'd' | 'r' | 'x' | 'o' | 'b' | 'f' | 'c' | 'p' | 'l' | 't' | 'k' | 'u';

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
  if (card.status === 'pending' && card.claim) return `💸 Being paid out by ${card.claim.by}`;
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

/** "👥 1 of 2: Esi Boateng" while a request needs two admins' approval, and who approved it once it has. */
function approvalsLine(card: RequestFacts): SafeHtml | undefined {
  const approvals = card.approvals;
  if (!approvals || approvals.required < 2) return undefined;
  const why = approvals.unpriced ? html`\nNo current price to value it against the threshold: two admins, to be safe.` : html``;
  if (approvals.by.length === 0) return html`👥 <b>0 of ${approvals.required}</b>: two different admins must approve before the money moves${why}`;
  return html`👥 <b>${Math.min(approvals.by.length, approvals.required)} of ${approvals.required}</b>: ${approvals.by.join(', ')}${why}`;
}

/** Who is paying a payout out: only they can tap Paid or Release. */
function claimLine(card: RequestFacts): SafeHtml | undefined {
  const claim = card.claim;
  if (!claim || card.status !== 'pending') return undefined;
  return html`💸 <b>${claim.by} is paying this out</b> (since ${formatDateTime(claim.at)}): only they can tap Paid or Release; it cannot be declined while claimed.`;
}

export function renderCardText(card: RequestFacts, view: CardView<unknown>): SafeHtml {
  const fields = [...requesterFields(card.requester), ...view.fields(card)].map(([label, value, shown]) =>
    shown === 'code' ? html`<b>${label}:</b> <code>${value}</code>` : html`<b>${label}:</b> ${value}`,
  );
  const decisions = [approvalsLine(card), claimLine(card), decisionLine(card, view), followUpLine(card, view)].filter((line) => line !== undefined);
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
  /** A payout: claimed before it is paid (I'm paying this, Paid, Release, Take over). */
  isPayout: boolean;
  /** A declined (or expired) request of this kind can be re-opened. */
  canReopen: boolean;
}

export function cardSteps(rules: ApprovalKind): CardSteps {
  return {
    canStartReview: rules.canStartReview,
    hasFollowUp: rules.followUp !== undefined,
    isPayout: rules.payoutClaims !== undefined,
    canReopen: rules.reopen !== undefined,
  };
}

/** Whether the request still waits for an approval that a second admin must give. */
function awaitsApprovals(card: RequestFacts): boolean {
  return card.approvals !== undefined && card.approvals.by.length < card.approvals.required;
}

/** The approve button, with the approvals so far when it needs two: "✅ Approve (1 of 2)". */
function approveButton(card: RequestFacts, label: string): string {
  const approvals = card.approvals;
  return approvals && approvals.required > 1 && approvals.by.length > 0 ? `✅ ${label} (${approvals.by.length} of ${approvals.required})` : `✅ ${label}`;
}

/**
 * A pending payout's buttons: claimed, the claimer's Paid and Release, and Take over for anyone else; unclaimed,
 * its approvals while it needs a second admin's, then "I'm paying this"; Decline while unclaimed.
 */
function payoutKeyboard(card: RequestFacts, view: CardView<unknown>): InlineKeyboard {
  if (card.claim) {
    return new InlineKeyboard()
      .text(`✅ ${view.approveLabel}`, cardData(card.kind, card.id, 'p'))
      .text('↩️ Release', cardData(card.kind, card.id, 'l'))
      .row()
      .text('🔁 Take over', cardData(card.kind, card.id, 't'));
  }
  if (awaitsApprovals(card)) {
    return new InlineKeyboard().text(approveButton(card, 'Approve payout'), cardData(card.kind, card.id, 'a')).text(`❌ ${view.declineLabel}`, cardData(card.kind, card.id, 'd'));
  }
  const keyboard = new InlineKeyboard().text("💸 I'm paying this", cardData(card.kind, card.id, 'c'));
  const other = view.payoutButton?.(card);
  if (other) keyboard.text(other.label, other.data).row();
  return keyboard.text(`❌ ${view.declineLabel}`, cardData(card.kind, card.id, 'd'));
}

/** The confirmation a take-over needs, in place of the card's buttons. */
export function takeOverKeyboard(card: RequestFacts, claim: Claim): InlineKeyboard {
  return new InlineKeyboard()
    .text(`⚠️ Yes, take it over from ${claim.by}`, cardData(card.kind, card.id, 'k', claim.adminTelegramId))
    .row()
    .text('↩️ Back', cardData(card.kind, card.id, 'b'));
}

/**
 * The buttons a card offers in its state: none once decided, except the follow-up of an approved request and the
 * re-opening of a declined one.
 */
export function cardKeyboard(card: RequestFacts, view: CardView<unknown>, steps: CardSteps): InlineKeyboard | undefined {
  if (card.status === 'approved' && steps.hasFollowUp && view.followUp) {
    return new InlineKeyboard().text(`🏁 ${view.followUp.buttonLabel}`, cardData(card.kind, card.id, 'f'));
  }
  if (card.status === 'declined' && steps.canReopen) return new InlineKeyboard().text('↩️ Re-open', cardData(card.kind, card.id, 'u'));
  if (card.status !== 'pending' && card.status !== 'under_review') return undefined;
  if (steps.isPayout) return payoutKeyboard(card, view);
  const keyboard = new InlineKeyboard()
    .text(approveButton(card, view.approveLabel), cardData(card.kind, card.id, 'a'))
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

/** Who holds a payout's claim, for a refusal: "Esi Boateng is paying this out (claimed at 14:02)". */
export function claimHolderText(claim: Claim): string {
  return `${claim.by} is paying this out (claimed at ${formatWhen(claim.at)})`;
}

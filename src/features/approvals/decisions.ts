import type { Logger } from '../../logger.ts';
import type { ApprovalService, ClaimResult, DecisionRequest } from '../../services/approvals/approvals.ts';
import type { NotificationDelivery } from '../../services/notifications/delivery.ts';
import { ADMINS_ONLY } from '../../telegram/adminGuard.ts';
import { payoutReferenceNoun, type CardPublisher, type CardView, type DecisionOutcome } from '../../telegram/cards.ts';
import { alreadyDecidedText, claimHolderText } from './cardText.ts';

export interface DecisionDeps {
  approvals: ApprovalService;
  cards: CardPublisher;
  delivery: NotificationDelivery;
  logger: Logger;
}

/** What the admin who decided reads, in the kind's own words: "Done: paid." for a withdrawal, "Done: rejected." for a KYC. */
function doneText(action: DecisionRequest['action'], view: CardView<unknown>): string {
  switch (action) {
    case 'approve':
      return `Done: ${view.approvedLabel.toLowerCase()}.`;
    case 'decline':
      return `Done: ${view.declinedLabel.toLowerCase()}.`;
    case 'follow_up':
      return `Done: ${(view.followUp?.doneLabel ?? 'completed').toLowerCase()}.`;
    case 'start_review':
      return 'You are reviewing it now.';
    case 'reopen':
      return 'Done: re-opened. It is waiting for a decision again.';
  }
}

const refused = (text: string, alreadyDecided = false): DecisionOutcome => ({ text, alert: true, applied: false, ...(alreadyDecided ? { alreadyDecided } : {}) });

const CLAIM_FIRST = "Tap 💸 I'm paying this before you pay it out, then Paid with the payout reference.";

/** Applies an admin's decision (exactly once, see ApprovalService.decide) and says how it went. */
export async function takeDecision(deps: DecisionDeps, request: DecisionRequest): Promise<DecisionOutcome> {
  const result = await deps.approvals.decide(request);
  const view = deps.cards.view(request.kind);
  if (result.outcome === 'not_admin') return refused(ADMINS_ONLY);
  if (result.outcome === 'own_request') return refused('You cannot decide your own request: another admin must.');
  if (result.outcome === 'not_found' || !view) return refused('This request no longer exists.');
  // Too late: the decision that won has queued the edit of its cards.
  if (result.outcome === 'already_decided') return refused(alreadyDecidedText(result.card, view), true);
  if (result.outcome === 'approval_recorded') {
    const approvals = result.card.approvals;
    const [count, required] = [approvals?.by.length ?? 1, approvals?.required ?? 2];
    const isPayout = deps.approvals.kind(request.kind)?.payoutClaims !== undefined;
    const next =
      count >= required ? "It may be paid out now: tap 💸 I'm paying this before you pay it." : `Another admin must approve it too before ${isPayout ? 'anyone pays it out' : 'the money moves'}.`;
    return { text: `Approved: ${count} of ${required}. ${next}`, alert: false, applied: false, cardChanged: true };
  }
  if (result.outcome === 'already_approved_by_you') return refused('You have approved it already. Another admin must approve it too: the same admin counts once.');
  // The refusals of a payout's state refresh the tapped card too: it may show a state before the claim.
  if (result.outcome === 'claim_first') return refused(`It needs no more approvals. ${CLAIM_FIRST}`, true);
  if (result.outcome === 'not_claimed') return refused(`Nobody is paying this out yet. ${CLAIM_FIRST}`, true);
  if (result.outcome === 'check_failed') {
    return refused(
      'Not done: it no longer passes the check (another admin may have just recorded or credited the same transaction, or Paystack is still sending this payout). Look at the card and try again.',
      true,
    );
  }
  if (result.outcome === 'claimed') {
    const mine = result.claim.adminTelegramId === request.from.id;
    if (request.action === 'decline') {
      return refused(
        mine ? 'You are paying this out: tap ↩️ Release first if you will not pay it, then Decline.' : `${claimHolderText(result.claim)}: it cannot be declined while claimed. Ask them to release it, or take it over.`,
        true,
      );
    }
    return refused(`${claimHolderText(result.claim)}: only they can tap ${view.approveLabel}.`, true);
  }
  deps.logger.info({ kind: request.kind, id: request.id, action: request.action, admin_id: request.from.id }, 'admin decision applied');
  return { text: doneText(request.action, view), alert: false, applied: true, ownerId: result.ownerId };
}

/**
 * After a decision has committed (it queued its card's edit and the user's notification): the card queue is kicked
 * and that user's notification delivered, only theirs (the rest of the outbox, a backlog or a broadcast, is the
 * delivery job's). Neither is awaited: the update (and every other admin's in the group, handled in order after it)
 * never waits for Telegram.
 */
export function publishDecision(deps: DecisionDeps, decided: { ownerId?: number | null }): void {
  deps.cards.kick();
  if (decided.ownerId == null) return;
  deps.delivery.deliverTo(decided.ownerId).catch((error: unknown) => deps.logger.error({ err: error }, 'notification delivery failed'));
}

/** What the admin who tapped I'm paying this, Release or a take-over reads. */
export function claimText(result: ClaimResult, view: CardView<unknown> | undefined, action: 'claim' | 'release' | 'take_over', tapper: number): DecisionOutcome {
  switch (result.outcome) {
    case 'applied':
      if (action === 'release') return { text: 'Released: another admin may pay it out now.', alert: false, applied: true };
      return {
        text: `You are paying this out${result.from ? ` (taken over from ${result.from})` : ''}: pay it, then tap ${view?.approveLabel ?? 'Paid'} and type ${payoutReferenceNoun(view)}.`,
        alert: true,
        applied: true,
      };
    case 'not_admin':
      return refused(ADMINS_ONLY);
    case 'own_request':
      return refused('You cannot pay out your own request: another admin must.');
    case 'not_found':
      return refused('This request no longer exists.');
    case 'already_decided':
      return refused(view ? alreadyDecidedText(result.card, view) : 'This request is no longer waiting.', true);
    case 'held':
      if (result.claim.adminTelegramId === tapper) return refused(action === 'take_over' ? 'You are paying this out already.' : 'You are paying this out already: tap Paid once it is paid.', true);
      return refused(`${claimHolderText(result.claim)}. ${action === 'release' ? 'Only they can release it.' : 'Tap 🔁 Take over if they cannot finish it.'}`, true);
    case 'not_held':
      return refused(`Nobody is paying this out now. ${CLAIM_FIRST}`, true);
    case 'needs_approvals':
      return refused('It needs a second admin\'s approval before anyone may pay it out: two different admins must tap Approve payout.', true);
  }
}

import type { Logger } from '../../logger.ts';
import type { ApprovalService, DecisionRequest } from '../../services/approvals/approvals.ts';
import type { NotificationDelivery } from '../../services/notifications/delivery.ts';
import { ADMINS_ONLY } from '../../telegram/adminGuard.ts';
import type { CardPublisher, CardView, DecisionOutcome } from '../../telegram/cards.ts';
import { alreadyDecidedText } from './cardText.ts';

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

/** Applies an admin's decision (exactly once, see ApprovalService.decide) and says how it went. */
export async function takeDecision(deps: DecisionDeps, request: DecisionRequest): Promise<DecisionOutcome> {
  const result = await deps.approvals.decide(request);
  const view = deps.cards.view(request.kind);
  if (result.outcome === 'not_admin') return refused(ADMINS_ONLY);
  if (result.outcome === 'own_request') return refused('You cannot decide your own request: another admin must.');
  if (result.outcome === 'not_found' || !view) return refused('This request no longer exists.');
  // Too late: the decision that won has queued the edit of its cards.
  if (result.outcome === 'already_decided') return refused(alreadyDecidedText(result.card, view), true);
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

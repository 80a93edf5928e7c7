import type { Api } from 'grammy';
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
  }
}

const refused = (text: string): DecisionOutcome => ({ text, alert: true, applied: false });

/** Applies an admin's decision (exactly once, see ApprovalService.decide) and says how it went. */
export async function takeDecision(deps: DecisionDeps, request: DecisionRequest): Promise<DecisionOutcome> {
  const result = await deps.approvals.decide(request);
  const view = deps.cards.view(request.kind);
  if (result.outcome === 'not_admin') return refused(ADMINS_ONLY);
  if (result.outcome === 'own_request') return refused('You cannot decide your own request: another admin must.');
  if (result.outcome === 'not_found' || !view) return refused('This request no longer exists.');
  // Too late: the decision that won has edited the cards already.
  if (result.outcome === 'already_decided') return refused(alreadyDecidedText(result.card, view));
  deps.logger.info({ kind: request.kind, id: request.id, action: request.action, admin_id: request.from.id }, 'admin decision applied');
  return { text: doneText(request.action, view), alert: false, applied: true, ownerId: result.ownerId };
}

/**
 * After a decision has committed (never inside its transaction): edit every copy of the card, then deliver
 * that user's notification, and only theirs: the rest of the outbox (a backlog, a broadcast) is the delivery
 * job's, so it never holds up the admins. Called after the tap is answered, so a slow send never times it out.
 */
export async function publishDecision(api: Api, deps: DecisionDeps, decided: { kind: string; id: number; ownerId: number | null | undefined }): Promise<void> {
  await deps.cards.refresh(api, decided.kind, decided.id);
  if (decided.ownerId == null) return;
  await deps.delivery.deliverTo(decided.ownerId).catch((error: unknown) => deps.logger.error({ err: error }, 'notification delivery failed'));
}

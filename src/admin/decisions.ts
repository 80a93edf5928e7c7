import type { Api } from 'grammy';
import type { ApprovalService, DecisionRequest } from '../services/approvals.ts';
import type { NotificationDelivery } from '../services/notifications.ts';
import type { Logger } from '../logger.ts';
import { alreadyDecidedText, type CardPublisher } from './cards.ts';
import { ADMINS_ONLY } from './guard.ts';

export interface DecisionDeps {
  approvals: ApprovalService;
  publisher: CardPublisher;
  delivery: NotificationDelivery;
  logger: Logger;
}

/** What the admin who tapped is told: a short toast, or an alert when nothing changed. */
export interface DecisionFeedback {
  text: string;
  alert: boolean;
}

const DONE: Record<DecisionRequest['action'], string> = {
  approve: 'Done: approved.',
  decline: 'Done: declined.',
  start_review: 'You are reviewing it now.',
};

/**
 * Applies a decision, then (after the commit, never inside it) edits every copy of the card and delivers the
 * user's notification.
 */
export async function applyDecision(api: Api, deps: DecisionDeps, request: DecisionRequest): Promise<DecisionFeedback> {
  const result = await deps.approvals.decide(request);
  if (result.outcome === 'not_admin') return { text: ADMINS_ONLY, alert: true };
  if (result.outcome === 'not_found') return { text: 'This request no longer exists.', alert: true };
  const kind = deps.approvals.kind(request.kind);
  // Too late: the decision that won has already edited the cards.
  if (result.outcome === 'already_decided' || !kind) {
    return { text: kind ? alreadyDecidedText(result.card, kind) : 'This request is no longer waiting.', alert: true };
  }
  await deps.publisher.refresh(api, request.kind, request.id);
  deps.logger.info({ kind: request.kind, id: request.id, action: request.action, admin_id: request.from.id }, 'admin decision applied');
  await deps.delivery.deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'notification delivery failed'));
  return { text: DONE[request.action], alert: false };
}

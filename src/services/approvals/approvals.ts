import type { DatabasePool } from 'slonik';
import { approvalCardMessages, insertApprovalCard } from '../../db/approvalCards.ts';
import { insertAuditEntry, latestAuditEntry, type AuditRow } from '../../db/adminAuditLog.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import type { ApprovalKind, DecisionAction, PendingRequest, RequestFacts } from './approvalKind.ts';

export type DecisionResult =
  /** `ownerId`: the users.id of who made the request (their notification is delivered right after). */
  | { outcome: 'applied'; card: RequestFacts; ownerId: number | null }
  | { outcome: 'not_admin' }
  | { outcome: 'own_request' }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; card: RequestFacts };

export interface DecisionRequest {
  kind: string;
  id: number;
  action: DecisionAction;
  from: TelegramIdentity;
  reason?: string;
}

export interface ApprovalService {
  kind(kind: string): ApprovalKind | undefined;
  /** A request's facts with its latest decision, or null when there is no such request. */
  card(kind: string, id: number): Promise<RequestFacts | null>;
  /** Every waiting request of every kind, oldest first. */
  listPending(): Promise<PendingRequest[]>;
  /** Applies an admin's decision exactly once: a second tap, or a second admin, gets `already_decided`. */
  decide(request: DecisionRequest): Promise<DecisionResult>;
  /** Remembers a message that shows a request's card, so a decision can edit every copy in place. */
  recordCardMessage(kind: string, id: number, chatId: number, messageId: number): Promise<void>;
  cardMessages(kind: string, id: number): Promise<readonly { chat_id: number; message_id: number }[]>;
}

const DECISIONS: readonly DecisionAction[] = ['approve', 'decline', 'start_review'];
const REASON_MAX_LENGTH = 500;

export function createApprovalService(deps: { pool: DatabasePool; admins: AdminService; kinds: readonly ApprovalKind[] }): ApprovalService {
  const { pool, admins } = deps;
  const byKind = new Map(deps.kinds.map((kind) => [kind.kind, kind]));

  function withDecision(facts: Omit<RequestFacts, 'decision'>, entry: AuditRow | null): RequestFacts {
    if (!entry) return facts;
    return { ...facts, decision: { action: entry.action as DecisionAction, by: entry.admin_name, at: entry.created_at, reason: entry.reason } };
  }

  async function card(kind: string, id: number): Promise<RequestFacts | null> {
    const implementation = byKind.get(kind);
    const facts = implementation ? await implementation.load(pool, id) : null;
    if (!facts) return null;
    return withDecision(facts, await latestAuditEntry(pool, kind, id, DECISIONS));
  }

  return {
    recordCardMessage: (kind, id, chatId, messageId) => insertApprovalCard(pool, { kind, requestId: id, chatId, messageId }),
    cardMessages: (kind, id) => approvalCardMessages(pool, kind, id),
    kind: (kind) => byKind.get(kind),
    card,

    async listPending() {
      const lists = await Promise.all(deps.kinds.map((kind) => kind.listPending(pool)));
      return lists.flat().sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || a.id - b.id);
    },

    async decide(request) {
      const implementation = byKind.get(request.kind);
      if (!implementation) return { outcome: 'not_found' };
      const admin = await admins.actorFor(request.from);
      if (!admin) return { outcome: 'not_admin' };
      const ownerId = await implementation.ownerId(pool, request.id);
      if (admin.userId !== null && ownerId === admin.userId) return { outcome: 'own_request' };
      const reason = request.reason?.trim().slice(0, REASON_MAX_LENGTH) ?? null;
      const applied = await pool.transaction(async (tx) => {
        const done =
          request.action === 'approve'
            ? await implementation.approve(tx, request.id, admin)
            : request.action === 'decline'
              ? await implementation.decline(tx, request.id, admin, reason ?? 'No reason given')
              : ((await implementation.startReview?.(tx, request.id, admin)) ?? false);
        if (done) {
          await insertAuditEntry(tx, { subjectKind: request.kind, subjectId: request.id, action: request.action, admin, reason });
        }
        return done;
      });
      const current = await card(request.kind, request.id);
      if (!current) return { outcome: 'not_found' };
      return applied ? { outcome: 'applied', card: current, ownerId } : { outcome: 'already_decided', card: current };
    },
  };
}

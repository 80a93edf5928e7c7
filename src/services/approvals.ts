import type { CommonQueryMethods, DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { approvalCardMessages, insertApprovalCard } from '../db/approvalCards.ts';
import { insertAuditEntry, latestAuditEntry, type AuditRow } from '../db/audit.ts';
import type { AdminActor, AdminService, TelegramIdentity } from './admins.ts';

/** Where a request stands, in the words every request kind shares. */
export type RequestStatus = 'pending' | 'under_review' | 'approved' | 'declined';
export type DecisionAction = 'approve' | 'decline' | 'start_review';

/** What an admin card shows: plain-text fields (the Telegram layer escapes and lays them out) and photos. */
export interface RequestCard {
  kind: string;
  id: number;
  title: string;
  status: RequestStatus;
  fields: readonly (readonly [label: string, value: string])[];
  /** Stored media paths (relative to the media store). */
  photos: readonly string[];
  submittedAt: Date;
  /** The admin's decision or review, when there is one. */
  decision?: { action: DecisionAction; by: string; at: Date; reason: string | null };
}

export interface PendingRequest {
  kind: string;
  id: number;
  submittedAt: Date;
  summary: string;
}

/**
 * One kind of request that admins decide (KYC, buys, sells, withdrawals, deposits, gift cards). Each
 * decision is a guarded update inside the transaction it is given, applies its money effect and writes the
 * user's notification there too; it returns false when the request was no longer open for that decision.
 */
export interface ApprovalKind {
  kind: string;
  /** e.g. "KYC verification" */
  label: string;
  /** Button and past-tense words, e.g. Approve/Approved and Reject/Rejected. */
  approveLabel: string;
  approvedLabel: string;
  declineLabel: string;
  declinedLabel: string;
  declineReasons: readonly string[];
  canStartReview: boolean;
  card(db: CommonQueryMethods, id: number): Promise<Omit<RequestCard, 'decision'> | null>;
  /** The users.id of whoever made the request: no admin decides their own. */
  ownerId(db: CommonQueryMethods, id: number): Promise<number | null>;
  listPending(db: CommonQueryMethods): Promise<readonly PendingRequest[]>;
  approve(tx: DatabaseTransactionConnection, id: number, admin: AdminActor): Promise<boolean>;
  decline(tx: DatabaseTransactionConnection, id: number, admin: AdminActor, reason: string): Promise<boolean>;
  startReview?(tx: DatabaseTransactionConnection, id: number, admin: AdminActor): Promise<boolean>;
}

export type DecisionResult =
  | { outcome: 'applied'; card: RequestCard }
  | { outcome: 'not_admin' }
  | { outcome: 'own_request' }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; card: RequestCard };

export interface DecisionRequest {
  kind: string;
  id: number;
  action: DecisionAction;
  from: TelegramIdentity;
  reason?: string;
}

export interface ApprovalService {
  kinds(): readonly ApprovalKind[];
  kind(kind: string): ApprovalKind | undefined;
  card(kind: string, id: number): Promise<RequestCard | null>;
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

  function withDecision(card: Omit<RequestCard, 'decision'>, entry: AuditRow | null): RequestCard {
    if (!entry) return card;
    return { ...card, decision: { action: entry.action as DecisionAction, by: entry.admin_name, at: entry.created_at, reason: entry.reason } };
  }

  async function card(kind: string, id: number): Promise<RequestCard | null> {
    const implementation = byKind.get(kind);
    const base = implementation ? await implementation.card(pool, id) : null;
    if (!base) return null;
    return withDecision(base, await latestAuditEntry(pool, kind, id, DECISIONS));
  }

  return {
    kinds: () => deps.kinds,
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
      if (admin.userId !== null && (await implementation.ownerId(pool, request.id)) === admin.userId) return { outcome: 'own_request' };
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
      return applied ? { outcome: 'applied', card: current } : { outcome: 'already_decided', card: current };
    },
  };
}

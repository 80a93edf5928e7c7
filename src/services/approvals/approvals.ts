import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { approvalCardMessages, insertApprovalCard, recordApprovalCardShown, type CardMessage } from '../../db/approvalCards.ts';
import { insertAuditEntry, latestAuditEntry, type AuditRow } from '../../db/adminAuditLog.ts';
import { cardPostInsert, insertCardDelivery } from '../../db/cardDeliveries.ts';
import type { AdminActor, AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { notificationAlongside } from '../notifications/outbox.ts';
import { listWaitingRequests, summarizeWaitingRequests } from '../../db/readModels/waitingRequests.ts';
import type { ApprovalKind, DecisionAction, PendingRequest, RequestFacts, WaitingRequest } from './approvalKind.ts';
import { cardRefreshWrite } from './cardQueue.ts';

export type DecisionResult =
  /** `ownerId`: the users.id of who made the request (their notification is delivered right after). */
  | { outcome: 'applied'; card: RequestFacts; ownerId: number | null }
  | { outcome: 'not_admin' }
  | { outcome: 'own_request' }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; card: RequestFacts };

/** The queue in brief: how many requests wait of each kind, and the oldest few of all kinds. */
export interface QueueSummary {
  total: number;
  /** The kind whose oldest request has waited longest first. */
  byKind: readonly { kind: string; count: number; oldestAt: Date }[];
  /** The oldest requests of every kind together, oldest first (as many as asked for). */
  oldest: readonly WaitingRequest[];
}

export interface DecisionRequest {
  kind: string;
  id: number;
  action: DecisionAction;
  from: TelegramIdentity;
  reason?: string;
}

/** What is decided, whoever decides it. */
type DecisionStep = Omit<DecisionRequest, 'from'>;

/** A decline the product makes itself (a request left too long), in its audit row under `by`. */
export interface AutomaticDecline {
  kind: string;
  id: number;
  reason: string;
  /** Who the card and the audit trail name as deciding, e.g. "Automatic expiry". */
  by: string;
}

export interface ApprovalService {
  kind(kind: string): ApprovalKind | undefined;
  /** A request's facts with its latest decision, or null when there is no such request. */
  card(kind: string, id: number): Promise<RequestFacts | null>;
  /** Every waiting request of every kind, oldest first: which one and since when, without its facts. */
  listWaiting(): Promise<WaitingRequest[]>;
  /** How many requests wait of each kind, and which are the oldest `limit` (without their facts), in one statement. */
  queueSummary(limit: number): Promise<QueueSummary>;
  /**
   * The facts of waiting requests (say the first page of listWaiting), in the order given; any decided meanwhile
   * is left out.
   */
  withFacts(waiting: readonly WaitingRequest[]): Promise<PendingRequest[]>;
  /**
   * Applies an admin's decision (or the kind's follow-up step) exactly once: a second tap, or a second admin,
   * gets `already_decided`.
   */
  decide(request: DecisionRequest): Promise<DecisionResult>;
  /**
   * Declines a request as a job decides (an expiry), exactly once like an admin's decision and with the same
   * money rules: a request an admin decided first gets `already_decided`.
   */
  declineAutomatically(request: AutomaticDecline): Promise<DecisionResult>;
  /** Remembers a message that shows a request's card (and a digest of what it shows), so a decision can edit every copy in place. */
  recordCardMessage(kind: string, id: number, chatId: number, messageId: number, shownDigest: string): Promise<void>;
  /** Remembers what a copy shows after an edit, so a refresh that would change nothing is not sent. */
  recordCardShown(chatId: number, messageId: number, shownDigest: string): Promise<void>;
  /**
   * Queues an edit of the card's copies to its current state (a tap on a card already decided: it may show an old
   * state); `tapped`, the message tapped, is remembered as a copy if it was not (a post that crashed before
   * recording its card), so the edit reaches it too.
   */
  refreshCard(kind: string, id: number, tapped?: { chatId: number; messageId: number }): Promise<void>;
  /** Queues another copy of the card at the bottom of the admin chat (an admin asked to see it there). */
  repostCard(kind: string, id: number): Promise<void>;
  cardMessages(kind: string, id: number): Promise<readonly CardMessage[]>;
}

const DECISIONS: readonly DecisionAction[] = ['approve', 'decline', 'start_review'];
/** The admin Telegram id of decisions the product made itself (no Telegram user has id 0); details say `automatic`. */
export const AUTOMATIC_ACTOR_ID = 0;
const REASON_MAX_LENGTH = 500;

export function createApprovalService(deps: { pool: DatabasePool; admins: AdminService; kinds: readonly ApprovalKind[] }): ApprovalService {
  const { pool, admins } = deps;
  const byKind = new Map(deps.kinds.map((kind) => [kind.kind, kind]));

  function withDecision(facts: Omit<RequestFacts, 'decision'>, entry: AuditRow | null, followUp: AuditRow | null): RequestFacts {
    return {
      ...facts,
      ...(entry ? { decision: { action: entry.action as DecisionAction, by: entry.admin_name, at: entry.created_at, reason: entry.reason } } : {}),
      ...(followUp ? { followUp: { by: followUp.admin_name, at: followUp.created_at } } : {}),
    };
  }

  /**
   * A request's facts with its latest decision and follow-up; `known` is an audit entry just written (the decision
   * that has just been applied, or the follow-up), so it is not read back.
   */
  async function card(kind: string, id: number, known?: { entry: AuditRow; isFollowUp: boolean }): Promise<RequestFacts | null> {
    const implementation = byKind.get(kind);
    if (!implementation) return null;
    const followUpAction = implementation.followUp?.action;
    // Independent reads, on separate connections, so an admin's tap waits for the slowest rather than the sum.
    const [facts, decision, followUp] = await Promise.all([
      implementation.load(pool, id),
      known && !known.isFollowUp ? known.entry : latestAuditEntry(pool, kind, id, DECISIONS),
      known?.isFollowUp ? known.entry : followUpAction ? latestAuditEntry(pool, kind, id, [followUpAction]) : null,
    ]);
    return facts ? withDecision(facts, decision, followUp) : null;
  }

  function apply(implementation: ApprovalKind, tx: DatabaseTransactionConnection, request: DecisionStep, admin: AdminActor, reason: string | null) {
    switch (request.action) {
      case 'approve':
        return implementation.approve(tx, request.id, admin);
      case 'decline':
        return implementation.decline(tx, request.id, admin, reason ?? 'No reason given');
      case 'start_review':
        return implementation.startReview?.(tx, request.id, admin) ?? null;
      case 'follow_up':
        return implementation.followUp?.apply(tx, request.id, admin) ?? null;
    }
  }

  /** One guarded decision in its transaction with its audit row, then the request as it now stands. */
  async function applyDecision(
    implementation: ApprovalKind,
    request: DecisionStep,
    admin: AdminActor,
    automatic = false,
  ): Promise<DecisionResult> {
    // Notices put a full stop after the reason; one the admin typed would make two.
    const reason = request.reason?.trim().replace(/\.+$/u, '').trimEnd().slice(0, REASON_MAX_LENGTH) ?? null;
    const action = request.action === 'follow_up' ? implementation.followUp?.action : request.action;
    // The audit row of the decision applied, or null when it was not (someone decided first).
    const entry = !action
      ? null
      : await pool.transaction(async (tx) => {
          const told = await apply(implementation, tx, request, admin, reason);
          if (!told) return null;
          const audit = { subjectKind: request.kind, subjectId: request.id, action, admin, reason, ...(automatic ? { details: { automatic } } : {}) };
          // The audit row, the user's notice and the card's refresh in one statement.
          return insertAuditEntry(tx, audit, [notificationAlongside(told.userId, told.notice), cardRefreshWrite(request.kind, request.id)]);
        });
    const current = await card(request.kind, request.id, entry ? { entry, isFollowUp: request.action === 'follow_up' } : undefined);
    if (!current) return { outcome: 'not_found' };
    return entry ? { outcome: 'applied', card: current, ownerId: current.requester.id } : { outcome: 'already_decided', card: current };
  }

  return {
    recordCardMessage: (kind, id, chatId, messageId, shownDigest) => insertApprovalCard(pool, { kind, requestId: id, chatId, messageId, shownDigest }),
    recordCardShown: (chatId, messageId, shownDigest) => recordApprovalCardShown(pool, chatId, messageId, shownDigest),
    cardMessages: (kind, id) => approvalCardMessages(pool, kind, id),
    refreshCard: (kind, id, tapped) =>
      pool.transaction(async (tx) => {
        if (tapped) await insertApprovalCard(tx, { kind, requestId: id, chatId: tapped.chatId, messageId: tapped.messageId });
        await insertCardDelivery(tx, cardRefreshWrite(kind, id));
      }),
    repostCard: (kind, id) => insertCardDelivery(pool, cardPostInsert(kind, id, 'repost')),
    kind: (kind) => byKind.get(kind),
    card,

    async listWaiting() {
      const rows = await listWaitingRequests(pool, deps.kinds);
      return rows.map((row) => ({ kind: row.kind, id: row.id, submittedAt: row.submitted_at }));
    },

    async queueSummary(limit) {
      const summary = await summarizeWaitingRequests(pool, deps.kinds, limit);
      return {
        total: summary.kinds.reduce((total, kind) => total + kind.count, 0),
        byKind: summary.kinds.map(({ kind, count, oldest }) => ({ kind, count, oldestAt: oldest })),
        oldest: summary.oldest.map((row) => ({ kind: row.kind, id: row.id, submittedAt: row.submitted_at })),
      };
    },

    async withFacts(waiting) {
      // Each kind reads only its own requests of those given, at the same time.
      const lists = await Promise.all(
        [...Map.groupBy(waiting, (request) => request.kind)].map(async ([kind, requests]) => {
          const implementation = byKind.get(kind);
          return implementation ? implementation.listPending(pool, requests.map((request) => request.id)) : [];
        }),
      );
      const found = new Map(lists.flat().map((request) => [`${request.kind}:${request.id}`, request]));
      return waiting.flatMap((request) => found.get(`${request.kind}:${request.id}`) ?? []);
    },

    async decide(request) {
      const implementation = byKind.get(request.kind);
      if (!implementation) return { outcome: 'not_found' };
      const admin = await admins.actorFor(request.from);
      if (!admin) return { outcome: 'not_admin' };
      // An admin who is not a registered user owns no request, so only a registered one needs the look-up.
      if (admin.userId !== null && (await implementation.ownerId(pool, request.id)) === admin.userId) return { outcome: 'own_request' };
      return applyDecision(implementation, request, admin);
    },

    async declineAutomatically({ kind, id, reason, by }) {
      const implementation = byKind.get(kind);
      if (!implementation) return { outcome: 'not_found' };
      const actor: AdminActor = { telegramId: AUTOMATIC_ACTOR_ID, userId: null, name: by };
      return applyDecision(implementation, { kind, id, action: 'decline', reason }, actor, true);
    },
  };
}

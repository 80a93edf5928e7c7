import Big from 'big.js';
import type { CommonQueryMethods, DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { approvalCardMessages, insertApprovalCard, recordApprovalCardShown, type CardMessage } from '../../db/approvalCards.ts';
import { insertAuditEntry, latestAuditEntry, type AuditEntry, type AuditRow } from '../../db/adminAuditLog.ts';
import { deleteSignoffs, insertSignoff, listSignoffs, lockRequestSignoffs, readApprovalsSoFar } from '../../db/approvalSignoffs.ts';
import { cardPostInsert, insertCardDelivery } from '../../db/cardDeliveries.ts';
import { readSecondApprovalThreshold } from '../../db/settings.ts';
import type { AdminActor, AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { notificationAlongside } from '../notifications/outbox.ts';
import type { Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { listWaitingRequests, summarizeWaitingRequests } from '../../db/readModels/waitingRequests.ts';
import type { AmountConfirmed, AmountToConfirm, ApprovalKind, Claim, DecisionAction, PendingRequest, RequestFacts, WaitingRequest } from './approvalKind.ts';
import { cardRefreshWrite } from './cardQueue.ts';

export type DecisionResult =
  /** `ownerId`: the users.id of who made the request (their notification is delivered right after). */
  | { outcome: 'applied'; card: RequestFacts; ownerId: number | null }
  | { outcome: 'not_admin' }
  | { outcome: 'own_request' }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; card: RequestFacts }
  /** An approval counted towards the two the request needs; another admin's approval applies it. */
  | { outcome: 'approval_recorded'; card: RequestFacts }
  /** The same admin approved it before: it still needs another admin. */
  | { outcome: 'already_approved_by_you'; card: RequestFacts }
  /** A payout with the approvals it needs: the next step is a claim ("I'm paying this"), not an approval. */
  | { outcome: 'claim_first'; card: RequestFacts }
  /** A payout's claim stands in the way: a decline while it is claimed, or Paid by someone who does not hold it. */
  | { outcome: 'claimed'; card: RequestFacts; claim: Claim }
  /** Paid on a payout nobody has claimed. */
  | { outcome: 'not_claimed'; card: RequestFacts }
  /**
   * An open request whose approval came with what the admin typed (a transaction hash, an amount) that its kind's check
   * in the transaction refused: another admin recorded or credited the same transaction in that moment.
   */
  | { outcome: 'check_failed'; card: RequestFacts };

/** What became of a claim, a release or a take-over of a payout. */
export type ClaimResult =
  /** `from`: whose claim a take-over took. */
  | { outcome: 'applied'; card: RequestFacts; from?: string }
  | { outcome: 'not_admin' }
  | { outcome: 'own_request' }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; card: RequestFacts }
  /** Claimed by someone (the claim given, perhaps the tapper's own). */
  | { outcome: 'held'; card: RequestFacts; claim: Claim }
  /** A release or take-over of a claim that is not held (any more) by whom it named. */
  | { outcome: 'not_held'; card: RequestFacts }
  /** The payout needs a second admin's approval before anyone may claim it. */
  | { outcome: 'needs_approvals'; card: RequestFacts };

export interface ClaimRequest {
  kind: string;
  id: number;
  from: TelegramIdentity;
}

/** A claim left open long enough to remind its holder. */
export interface ClaimToRemind {
  kind: string;
  id: number;
  holder: { telegramId: number; name: string };
  since: Date;
}

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
  /** A payout's Paid: the MoMo transaction id or bank reference of the payment, which the user is told. */
  payoutReference?: string;
  /** What the admin confirmed, for a kind that asks it (ApprovalKind.amountConfirmation). */
  confirmation?: AmountConfirmed;
}

/** What is decided, whoever decides it. */
type DecisionStep = Omit<DecisionRequest, 'from'>;

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
  /** "I'm paying this": claims a payout for the admin, once it has the approvals it needs; audited. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** The claimer gives a payout back unpaid; audited. */
  release(request: ClaimRequest): Promise<ClaimResult>;
  /** Another admin takes over the claim `holder` has (after confirming they want to); audited. */
  takeOver(request: ClaimRequest & { holder: number }): Promise<ClaimResult>;
  /**
   * The claims left open over 30 minutes whose holder was not reminded in the last 30, marked as reminded at `now`
   * (so one instance reminds each).
   */
  claimsToRemind(now: Date): Promise<readonly ClaimToRemind[]>;
  /** A reminder marked at `now` could not be sent: the next run sends it. */
  forgetClaimReminder(claim: ClaimToRemind, now: Date): Promise<void>;
  /** What a payout's claimer typed with Paid, checked by its kind when it has its own form (a transaction hash); null otherwise. */
  checkPayoutReference(kind: string, id: number, text: string): Promise<Checked<string> | null>;
  /** For a kind whose approval confirms an amount: what the user stated and who else recorded the transaction; null otherwise. */
  amountToConfirm(kind: string, id: number): Promise<(AmountToConfirm & { check(text: string): Checked<string> }) | null>;
  /** The request of a kind that can be re-opened with this reference (/reopen), if any. */
  findReopenable(reference: string): Promise<{ kind: string; id: number } | null>;
}

/** A claim left this long is reminded to its holder, and again as often while it stays open. */
export const CLAIM_REMIND_AFTER_MS = 30 * 60_000;

const DECISIONS: readonly DecisionAction[] = ['approve', 'decline', 'start_review', 'reopen'];
const REASON_MAX_LENGTH = 500;
/** Admins' approvals a request needs at or above the second-approval threshold. */
const FOUR_EYES = 2;

/** How a decision's transaction ended, before the card is read back. */
type Step =
  | { step: 'applied'; entry: AuditRow }
  | { step: 'not_applied' }
  | { step: 'approval_recorded' }
  | { step: 'already_approved_by_you' }
  | { step: 'claim_first' };

const isOpen = (card: RequestFacts) => card.status === 'pending' || card.status === 'under_review';

async function apply(implementation: ApprovalKind, tx: DatabaseTransactionConnection, request: DecisionStep, admin: AdminActor, reason: string | null) {
  switch (request.action) {
    case 'approve':
      return implementation.approve(tx, request.id, admin, request.payoutReference, request.confirmation);
    case 'decline':
      return implementation.decline(tx, request.id, admin, reason ?? 'No reason given');
    case 'start_review':
      return implementation.startReview?.(tx, request.id, admin) ?? null;
    case 'follow_up':
      return implementation.followUp?.apply(tx, request.id, admin) ?? null;
    case 'reopen': {
      const told = reason ? await (implementation.reopen?.apply(tx, request.id, reason) ?? null) : null;
      // Approvals given before the decline do not carry over: the re-opened request is decided afresh.
      if (told) await deleteSignoffs(tx, request.kind, request.id);
      return told;
    }
  }
}

/** The guarded decision, and when it applied its audit row with the user's notice and the card's refresh (one statement). */
async function applyAudited(
  tx: DatabaseTransactionConnection,
  implementation: ApprovalKind,
  request: DecisionStep,
  admin: AdminActor,
  audit: { action: string; reason: string | null; details?: AuditEntry['details'] },
): Promise<Step> {
  const told = await apply(implementation, tx, request, admin, audit.reason);
  if (!told) return { step: 'not_applied' };
  const entry: AuditEntry = { subjectKind: request.kind, subjectId: request.id, admin, ...audit };
  return { step: 'applied', entry: await insertAuditEntry(tx, entry, [notificationAlongside(told.userId, told.notice), cardRefreshWrite(request.kind, request.id)]) };
}

/**
 * An approval that no admin makes: the payment provider's own record confirmed the request (a Paystack charge,
 * verified). The same guarded approval as an admin's, in the caller's transaction, with its audit row naming `actor`
 * (the provider), the user's notice and the card's refresh; no second approval is asked, the provider having
 * checked the money. A payout (sent by the provider) is paid with the provider's reference as its payout reference, in
 * the name of the admin who holds its claim. Null when the request was no longer open for it.
 */
export async function approveAsSystem(
  tx: DatabaseTransactionConnection,
  implementation: ApprovalKind,
  id: number,
  actor: AdminActor,
  details: AuditEntry['details'],
  payoutReference?: string,
): Promise<AuditRow | null> {
  const request = { kind: implementation.kind, id, action: 'approve' as const, ...(payoutReference === undefined ? {} : { payoutReference }) };
  const step = await applyAudited(tx, implementation, request, actor, { action: 'approve', reason: null, details });
  return step.step === 'applied' ? step.entry : null;
}

export function createApprovalService(deps: { pool: DatabasePool; admins: AdminService; kinds: readonly ApprovalKind[]; clock: Clock }): ApprovalService {
  const { pool, admins, clock } = deps;
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
    const movesMoney = implementation.valueGhs !== undefined;
    // Independent reads, on separate connections, so an admin's tap waits for the slowest rather than the sum.
    const [facts, decision, followUp, approvals] = await Promise.all([
      implementation.load(pool, id),
      known && !known.isFollowUp ? known.entry : latestAuditEntry(pool, kind, id, DECISIONS),
      known?.isFollowUp ? known.entry : followUpAction ? latestAuditEntry(pool, kind, id, [followUpAction]) : null,
      movesMoney ? readApprovalsSoFar(pool, kind, id) : null,
    ]);
    if (!facts) return null;
    const card = withDecision(facts, decision, followUp);
    if (!approvals) return card;
    const { required, unpriced } = await approvalsRequired(pool, implementation, card, approvals.threshold);
    return required > 1 || approvals.by.length > 0 ? { ...card, approvals: { required, by: approvals.by, ...(unpriced ? { unpriced } : {}) } } : card;
  }

  /**
   * How many admins must approve the request: two when it moves at least the threshold (0 = off), or when the threshold
   * is on and its value cannot be read now (`unpriced`); else one.
   */
  async function approvalsRequired(
    db: CommonQueryMethods,
    implementation: ApprovalKind,
    facts: Omit<RequestFacts, 'decision'>,
    threshold: string,
  ): Promise<{ required: number; unpriced: boolean }> {
    if (!implementation.valueGhs || !new Big(threshold).gt(0)) return { required: 1, unpriced: false };
    const value = await implementation.valueGhs(facts.details, db);
    if (value === null) return { required: FOUR_EYES, unpriced: true };
    return { required: new Big(value).gte(threshold) ? FOUR_EYES : 1, unpriced: false };
  }

  /** The approvals the request needs as its row (and the price) stand in `tx`; one when it is not found. */
  async function approvalsRequiredNow(tx: CommonQueryMethods, implementation: ApprovalKind, id: number): Promise<number> {
    if (!implementation.valueGhs) return 1;
    const threshold = await readSecondApprovalThreshold(tx);
    if (!new Big(threshold).gt(0)) return 1;
    const facts = await implementation.load(tx, id);
    return facts ? (await approvalsRequired(tx, implementation, facts, threshold)).required : 1;
  }

  /** An approval that counts towards the two a request needs and moves nothing: recorded and audited, the card refreshed. */
  async function recordApproval(tx: DatabaseTransactionConnection, request: DecisionStep, admin: AdminActor, count: number): Promise<Step> {
    await insertSignoff(tx, request.kind, request.id, admin, clock());
    const details = { approvals: count, required: FOUR_EYES };
    await insertAuditEntry(tx, { subjectKind: request.kind, subjectId: request.id, action: 'sign_off', admin, details }, [cardRefreshWrite(request.kind, request.id)]);
    return { step: 'approval_recorded' };
  }

  /**
   * An approval. Above the second-approval threshold the first admin's is recorded and the second, different,
   * admin's applies it (the same admin twice counts once); the approvals of one request are counted under a lock,
   * so two admins at once make two. A payout's approvals only open it for a claim; its Paid (with the payout
   * reference) is the claimer's, whatever the approvals, which came before the claim.
   */
  async function approve(tx: DatabaseTransactionConnection, implementation: ApprovalKind, request: DecisionStep, admin: AdminActor): Promise<Step> {
    const isPayout = implementation.payoutClaims !== undefined;
    const paid = { action: 'approve', reason: null };
    if (isPayout && request.payoutReference !== undefined) return applyAudited(tx, implementation, request, admin, { ...paid, details: { payout_reference: request.payoutReference } });
    const required = await approvalsRequiredNow(tx, implementation, request.id);
    const stillOpen = async () => {
      const facts = await implementation.load(tx, request.id);
      return facts !== null && (facts.status === 'pending' || facts.status === 'under_review');
    };
    // A payout decided already is answered as decided, not sent to claim it.
    if (required === 1) return isPayout ? ((await stillOpen()) ? { step: 'claim_first' } : { step: 'not_applied' }) : applyAudited(tx, implementation, request, admin, paid);
    await lockRequestSignoffs(tx, request.kind, request.id);
    if (!(await stillOpen())) return { step: 'not_applied' };
    const signoffs = await listSignoffs(tx, request.kind, request.id);
    if (signoffs.some((signoff) => signoff.admin_telegram_id === admin.telegramId)) return { step: 'already_approved_by_you' };
    if (signoffs.length + 1 < required) return recordApproval(tx, request, admin, signoffs.length + 1);
    if (isPayout) return signoffs.length >= required ? { step: 'claim_first' } : recordApproval(tx, request, admin, signoffs.length + 1);
    const step = await applyAudited(tx, implementation, request, admin, { ...paid, details: { second_approval_after: signoffs.map((signoff) => signoff.admin_name).join(', ') } });
    if (step.step === 'applied') await insertSignoff(tx, request.kind, request.id, admin, clock());
    return step;
  }

  /** Why a decision did not apply to a request that may still be open: a payout's claim, or someone decided first. */
  function refusal(implementation: ApprovalKind, request: DecisionStep, admin: AdminActor, card: RequestFacts): DecisionResult {
    if (isOpen(card) && implementation.payoutClaims) {
      if (card.claim && (request.action === 'decline' || card.claim.adminTelegramId !== admin.telegramId)) return { outcome: 'claimed', card, claim: card.claim };
      if (!card.claim && request.action === 'approve') return { outcome: 'not_claimed', card };
    }
    if (isOpen(card) && request.action === 'approve' && (request.payoutReference !== undefined || request.confirmation !== undefined)) return { outcome: 'check_failed', card };
    return { outcome: 'already_decided', card };
  }

  /** One guarded decision in its transaction with its audit row, then the request as it now stands. */
  async function applyDecision(
    implementation: ApprovalKind,
    request: DecisionStep,
    admin: AdminActor,
  ): Promise<DecisionResult> {
    // Notices put a full stop after the reason; one the admin typed would make two.
    const reason = request.reason?.trim().replace(/\.+$/u, '').trimEnd().slice(0, REASON_MAX_LENGTH) ?? null;
    const action = request.action === 'follow_up' ? implementation.followUp?.action : request.action;
    const step: Step = !action
      ? { step: 'not_applied' }
      : await pool.transaction((tx) =>
          request.action === 'approve'
            ? approve(tx, implementation, request, admin)
            : applyAudited(tx, implementation, request, admin, { action, reason }),
        );
    const entry = step.step === 'applied' ? step.entry : undefined;
    const current = await card(request.kind, request.id, entry ? { entry, isFollowUp: request.action === 'follow_up' } : undefined);
    if (!current) return { outcome: 'not_found' };
    switch (step.step) {
      case 'applied':
        return { outcome: 'applied', card: current, ownerId: current.requester.id };
      case 'not_applied':
        return refusal(implementation, request, admin, current);
      default:
        return { outcome: step.step, card: current };
    }
  }

  /** A claim, release or take-over: the guarded change and its audit row with the card's refresh, then the card; `why` words a refusal. */
  async function changeClaim(
    request: ClaimRequest,
    change: (tx: DatabaseTransactionConnection, implementation: ApprovalKind, admin: AdminActor) => Promise<AuditEntry | null>,
    why: (card: RequestFacts, admin: AdminActor) => ClaimResult,
  ): Promise<ClaimResult> {
    const implementation = byKind.get(request.kind);
    if (!implementation?.payoutClaims) return { outcome: 'not_found' };
    const admin = await admins.actorFor(request.from);
    if (!admin) return { outcome: 'not_admin' };
    if (admin.userId !== null && (await implementation.ownerId(pool, request.id)) === admin.userId) return { outcome: 'own_request' };
    const entry = await pool.transaction(async (tx) => {
      const audit = await change(tx, implementation, admin);
      if (audit) await insertAuditEntry(tx, audit, [cardRefreshWrite(request.kind, request.id)]);
      return audit;
    });
    const current = await card(request.kind, request.id);
    if (!current) return { outcome: 'not_found' };
    if (entry) return { outcome: 'applied', card: current, ...(typeof entry.details?.from === 'string' ? { from: entry.details.from } : {}) };
    if (!isOpen(current)) return { outcome: 'already_decided', card: current };
    return why(current, admin);
  }

  const audited = (request: ClaimRequest, admin: AdminActor, action: string, details?: AuditEntry['details']): AuditEntry => ({
    subjectKind: request.kind,
    subjectId: request.id,
    action,
    admin,
    ...(details ? { details } : {}),
  });

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

    async findReopenable(reference) {
      for (const implementation of deps.kinds) {
        const id = await implementation.reopen?.idByReference(pool, reference);
        if (id != null) return { kind: implementation.kind, id };
      }
      return null;
    },

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

    claim: (request) =>
      changeClaim(
        request,
        async (tx, implementation, admin) => {
          // Both approvals come before the claim: nobody pays out before two have agreed.
          const signoffs = (await approvalsRequiredNow(tx, implementation, request.id)) > 1 ? FOUR_EYES : 0;
          const claimed = await implementation.payoutClaims?.claim(tx, request.kind, request.id, admin, clock(), signoffs);
          return claimed ? audited(request, admin, 'claim') : null;
        },
        (card) => (card.claim ? { outcome: 'held', card, claim: card.claim } : { outcome: 'needs_approvals', card }),
      ),

    release: (request) =>
      changeClaim(
        request,
        async (tx, implementation, admin) =>
          (await implementation.payoutClaims?.release(tx, request.id, admin.telegramId)) ? audited(request, admin, 'release') : null,
        (card) => (card.claim ? { outcome: 'held', card, claim: card.claim } : { outcome: 'not_held', card }),
      ),

    takeOver: (request) =>
      changeClaim(
        request,
        async (tx, implementation, admin) => {
          if (request.holder === admin.telegramId) return null;
          const from = await implementation.payoutClaims?.takeOver(tx, request.id, admin, request.holder, clock());
          return from ? audited(request, admin, 'take_over', { from, from_telegram_id: request.holder }) : null;
        },
        (card) => (card.claim ? { outcome: 'held', card, claim: card.claim } : { outcome: 'not_held', card }),
      ),

    async claimsToRemind(now) {
      const before = new Date(now.getTime() - CLAIM_REMIND_AFTER_MS);
      const lists = await Promise.all(
        deps.kinds.map(async (implementation) =>
          (await implementation.payoutClaims?.claimDueReminders(pool, before, before, now) ?? []).map((row) => ({
            kind: implementation.kind,
            id: row.id,
            holder: { telegramId: row.claimed_by_telegram_id, name: row.claimed_by_name },
            since: row.claimed_at,
          })),
        ),
      );
      return lists.flat();
    },

    async amountToConfirm(kind, id) {
      const confirmation = byKind.get(kind)?.amountConfirmation;
      const facts = await confirmation?.facts(pool, id);
      return confirmation && facts ? { ...facts, check: (text: string) => confirmation.check(text, facts) } : null;
    },

    async checkPayoutReference(kind, id, text) {
      const implementation = byKind.get(kind);
      if (!implementation?.checkPayoutReference) return null;
      return pool.transaction(async (tx) => (await implementation.checkPayoutReference?.(tx, id, text)) ?? null);
    },

    forgetClaimReminder: async (claim, now) => byKind.get(claim.kind)?.payoutClaims?.forgetReminder(pool, claim.id, now),

  };
}

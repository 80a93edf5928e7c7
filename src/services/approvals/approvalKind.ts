import type { CommonQueryMethods, DatabaseTransactionConnection } from 'slonik';
import type { PayoutClaimStatements } from '../../db/payoutClaims.ts';
import type { WaitingSource } from '../../db/readModels/waitingRequests.ts';
import type { AdminActor } from '../accounts/admins.ts';
import type { Checked } from '../common/validation.ts';
import type { Notice } from '../notifications/outbox.ts';

/** Where a request stands, in the words every request kind shares; `completed` follows a follow-up step. */
export type RequestStatus = 'pending' | 'under_review' | 'approved' | 'declined' | 'completed';
/**
 * What an admin does to a request; `follow_up` is the kind's step after approval (ApprovalKind.followUp), `reopen`
 * the one way back from a decline (ApprovalKind.reopen).
 */
export type DecisionAction = 'approve' | 'decline' | 'start_review' | 'follow_up' | 'reopen';

/** Who made a request, as an admin card shows them; `id` is their users.id. */
export interface Requester {
  id: number;
  first_name: string | null;
  last_name: string | null;
  username: string;
  telegram_id: number | null;
  phone: string | null;
  email: string;
}

/** A request waiting for a decision: which one, and since when. */
export interface WaitingRequest {
  kind: string;
  id: number;
  submittedAt: Date;
}

/** A waiting request with its kind's own facts (its row). */
export interface PendingRequest<D = unknown> extends WaitingRequest {
  details: D;
}

/** Everything an admin needs to decide a request; the Telegram layer words it (features/<domain>/cards.ts). */
export interface RequestFacts<D = unknown> extends PendingRequest<D> {
  status: RequestStatus;
  requester: Requester;
  /** Stored media paths (relative to the media store): documents, payment proofs. */
  photos: readonly string[];
  /** The admin's decision or review, when there is one. */
  decision?: { action: DecisionAction; by: string; at: Date; reason: string | null };
  /** Who took the follow-up step after the approval, and when, once someone has. */
  followUp?: { by: string; at: Date };
  /** A payout's claim: the admin paying it out, and since when (ApprovalKind.payoutClaims). */
  claim?: Claim;
  /**
   * The admins' approvals so far when it needs two (an amount at or above the second-approval threshold); `unpriced`:
   * it needs two because no current price values it (ApprovalKind.valueGhs).
   */
  approvals?: { required: number; by: readonly string[]; unpriced?: boolean };
}

/** Who holds a payout's claim, and since when. */
export interface Claim {
  adminTelegramId: number;
  by: string;
  at: Date;
}

/**
 * What a decision tells the user who made the request. The approvals service writes it to the outbox with the
 * decision's audit row, in one statement of the decision's transaction (so both exist exactly when the change does).
 */
export interface DecisionNotice {
  userId: number;
  notice: Notice;
}

/**
 * A step some kinds take after approval, from the same card (a gift card's "Mark completed"): one guarded
 * update approved → completed in the transaction it is given; null when the request was not approved (any more).
 */
export interface FollowUp {
  /** Its action in the audit trail, e.g. 'complete'. */
  action: string;
  apply(tx: DatabaseTransactionConnection, id: number, admin: AdminActor): Promise<DecisionNotice | null>;
}

/**
 * One kind of request that admins decide (KYC, buys, sells, deposits, withdrawals …). Each decision is a
 * guarded update inside the transaction it is given and applies its money effect there; it returns what to tell
 * the user, or null when the request was no longer open for that decision.
 */
export interface ApprovalKind<D = unknown> {
  /** The request kind's one name, used in callback data, audit rows, history and cards: e.g. 'withdrawal'. */
  kind: string;
  canStartReview: boolean;
  load(db: CommonQueryMethods, id: number): Promise<Omit<RequestFacts<D>, 'decision'> | null>;
  /** The users.id of whoever made the request: no admin decides their own. */
  ownerId(db: CommonQueryMethods, id: number): Promise<number | null>;
  /** Its waiting requests (a SELECT of id and submitted_at, from its table's file), for the queue of every kind. */
  waiting: WaitingSource;
  /** The requests among `ids` still waiting, with their facts, oldest first. */
  listPending(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly PendingRequest<D>[]>;
  /**
   * For a payout kind this is Paid, by the claimer only, with the payout's reference (which the user is told); for a
   * kind with `amountConfirmation`, it takes what the admin confirmed.
   */
  approve(
    tx: DatabaseTransactionConnection,
    id: number,
    admin: AdminActor,
    payoutReference?: string,
    confirmation?: AmountConfirmed,
  ): Promise<DecisionNotice | null>;
  decline(tx: DatabaseTransactionConnection, id: number, admin: AdminActor, reason: string): Promise<DecisionNotice | null>;
  startReview?(tx: DatabaseTransactionConnection, id: number, admin: AdminActor): Promise<DecisionNotice | null>;
  followUp?: FollowUp;
  /**
   * A payout (admins pay the money out by hand, as a cash withdrawal): one admin claims it before paying; only they
   * can tap Paid (approve) or release it, and a decline needs it unclaimed. `load` fills RequestFacts.claim.
   */
  payoutClaims?: PayoutClaimStatements;
  /**
   * A payout whose Paid takes something other than a MoMo or bank reference (a transaction hash): its check of what
   * the claimer typed, for this request; `approve` checks it again in its transaction.
   */
  checkPayoutReference?(db: CommonQueryMethods, id: number, text: string): Promise<Checked<string>>;
  /**
   * The GHS an approval moves, for the second-approval threshold: the amount, or the request's value at its quote; for
   * crypto without a quote, its value at the desk's current sell rate, read in `db` when the approval is decided. Null
   * when it cannot be valued now (no price, or a stale one): it then needs two admins whenever the threshold is on, the
   * safe side. Kinds that move no money (KYC) have none.
   */
  valueGhs?(details: D, db: CommonQueryMethods): string | null | Promise<string | null>;
  reopen?: Reopening;
  /**
   * A kind whose approval confirms an amount (a crypto deposit: what arrived may be less than the user stated, and one
   * transaction may pay several users): Approve asks the admin for it.
   */
  amountConfirmation?: AmountConfirmation;
}

/** What an admin confirmed with an approval: the amount to credit, and that a transaction shared with others is a batch. */
export interface AmountConfirmed {
  amount: string;
  batch: boolean;
}

/** The amount the user stated, its unit, and the references of other requests that recorded the same transaction. */
export interface AmountToConfirm {
  stated: string;
  unit: string;
  sharedWith: readonly string[];
}

export interface AmountConfirmation {
  facts(db: CommonQueryMethods, id: number): Promise<AmountToConfirm | null>;
  /** The admin's amount, checked against what the user stated. */
  check(text: string, facts: AmountToConfirm): Checked<string>;
}

/**
 * Kinds whose decline may be undone (buys and deposits: the money may arrive after all): an admin re-opens a declined
 * or expired request with a reason, and the same row is pending again, to be decided as usual.
 */
export interface Reopening {
  /** The id of this kind's request with that reference, if any. */
  idByReference(db: CommonQueryMethods, reference: string): Promise<number | null>;
  /** One guarded update declined → pending in the transaction given; null when it was not declined (any more). */
  apply(tx: DatabaseTransactionConnection, id: number, reason: string): Promise<DecisionNotice | null>;
}

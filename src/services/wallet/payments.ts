import type { CommonQueryMethods, DatabasePool } from 'slonik';
import {
  countAwaitingPayment,
  expireAwaitingPayment,
  findPaymentRequest,
  findPaymentRequestByReference,
  flagOverdueBuys,
  listAwaitingPayment,
  markPaymentReported,
  type PaymentKind,
  type PaymentRequestRow,
} from '../../db/paymentRequests.ts';
import { insertCardDelivery, cardPostInsert } from '../../db/cardDeliveries.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { notifyUser } from '../notifications/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import { paymentNotices } from './notices.ts';
import { withPaymentProof } from './requests.ts';

export type { PaymentKind, PaymentRequestRow };

/** A request nobody said they paid is closed this long after it was made (the user is told, with its reference). */
export const AWAITING_PAYMENT_EXPIRES_AFTER_MS = 24 * 60 * 60_000;
/** A buy reported paid and not confirmed this long after is brought to the admins (never declined by itself). */
export const REPORTED_BUY_OVERDUE_AFTER_MS = 24 * 60 * 60_000;
export const AWAITING_PAYMENT_EXPIRY_REASON = 'No payment was reported within 24 hours, so it expired';

export type ReportResult =
  /** `request` is now reported: its card is queued. */
  | { status: 'reported'; request: PaymentRequestRow }
  /** Reported before (a double tap, a second screenshot): nothing changed. */
  | { status: 'already_reported'; request: PaymentRequestRow }
  /** Decided or expired: nothing changed; an admin can re-open it. */
  | { status: 'closed'; request: PaymentRequestRow }
  | { status: 'not_found' }
  | { status: 'invalid_image'; reason: string };

export type ReportTarget = { kind: PaymentKind; id: number } | { reference: string };

export interface PaymentService {
  /**
   * The user says they paid a request of theirs (a tap, a screenshot, a reply to its payment message): it becomes
   * an admin card (queued in the same transaction). Repeating it changes nothing.
   */
  report(userId: number, target: ReportTarget, proof: Buffer | null): Promise<ReportResult>;
  /** The user's requests awaiting their payment, newest first. */
  awaiting(userId: number): Promise<readonly PaymentRequestRow[]>;
  /** How many requests of all users await payment. */
  countAwaiting(): Promise<number>;
  /** Closes the requests left unreported for 24 hours, telling each user (with the reference); returns how many. */
  expireUnreported(now: Date): Promise<number>;
  /** Flags the buys reported paid 24 hours ago and still unconfirmed: their card is posted again, marked; returns how many. */
  flagOverdueBuys(now: Date): Promise<number>;
}

/**
 * Marks a request reported paid and queues its card, inside the caller's transaction; null when it was not awaiting
 * payment.
 */
export async function reportPaymentIn(
  tx: CommonQueryMethods,
  request: { kind: PaymentKind; id: number; userId: number; at: Date; proof: string | null },
): Promise<PaymentRequestRow | null> {
  const reported = await markPaymentReported(tx, request);
  if (reported) await queueCardPost(tx, request.kind, request.id);
  return reported;
}

export function createPaymentService(deps: { pool: DatabasePool; media: MediaStore; clock: Clock }): PaymentService {
  const { pool, media, clock } = deps;

  async function find(db: CommonQueryMethods, userId: number, target: ReportTarget): Promise<PaymentRequestRow | null> {
    const found = 'reference' in target ? await findPaymentRequestByReference(db, target.reference) : await findPaymentRequest(db, target.kind, target.id);
    return found?.user_id === userId ? found : null;
  }

  return {
    report(userId, target, proof) {
      return withPaymentProof(media, proof, (path) =>
        pool.transaction(async (tx): Promise<ReportResult> => {
          const request = await find(tx, userId, target);
          if (!request) return { status: 'not_found' };
          const reported = await reportPaymentIn(tx, { kind: request.kind, id: request.id, userId, at: clock(), proof: path });
          if (reported) return { status: 'reported', request: reported };
          // Read again: a report or a decision committed meanwhile.
          const now = (await find(tx, userId, target)) ?? request;
          return now.status === 'pending' ? { status: 'already_reported', request: now } : { status: 'closed', request: now };
        }),
        (result) => result.status === 'reported',
      );
    },

    awaiting: (userId) => listAwaitingPayment(pool, userId),
    countAwaiting: () => countAwaitingPayment(pool),

    async expireUnreported(now) {
      const expiry = { cutoff: new Date(now.getTime() - AWAITING_PAYMENT_EXPIRES_AFTER_MS), at: now, reason: AWAITING_PAYMENT_EXPIRY_REASON };
      const expired = await pool.transaction(async (tx) => {
        const rows = [...(await expireAwaitingPayment(tx, 'deposit', expiry)), ...(await expireAwaitingPayment(tx, 'buy', expiry))];
        for (const row of rows) await notifyUser(tx, row.user_id, paymentNotices.expiredUnreported(row));
        return rows;
      });
      return expired.length;
    },

    async flagOverdueBuys(now) {
      return pool.transaction(async (tx) => {
        const ids = await flagOverdueBuys(tx, new Date(now.getTime() - REPORTED_BUY_OVERDUE_AFTER_MS), now);
        // The card again at the bottom of the chat, marked overdue: the durable queue posts it after the commit.
        for (const id of ids) await insertCardDelivery(tx, cardPostInsert('buy', id, 'repost'));
        return ids.length;
      });
    },
  };
}

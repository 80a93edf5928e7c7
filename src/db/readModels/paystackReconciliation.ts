import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const dayFiguresRow = z.object({
  charges: z.number(),
  confirmed_ghs: z.string(),
  credited_ghs: z.string(),
  awaiting_admin_ghs: z.string(),
  review_charges: z.number(),
  transfers: z.number(),
  sent_ghs: z.string(),
  paid_in_ledger_ghs: z.string(),
  reversed_transfers: z.number(),
  reversed_ghs: z.string(),
  returned_in_ledger_ghs: z.string(),
  review_transfers: z.number(),
});
export type PaystackDayFigures = z.infer<typeof dayFiguresRow>;

/**
 * A day's money through Paystack against the ledger: what verify confirmed for the charges settled as succeeded in
 * [from, to) and what the desk credited for their requests (the deposits' ledger rows, the approved buys' cedis; a
 * buy still with the admins apart), the charges sent for review, the transfers Paystack paid against the withdrawals'
 * ledger rows (net of payouts that came back and were paid again), the transfers Paystack reversed against the cedis
 * reserved again for them, and the transfers sent for review.
 */
export async function readPaystackDay(db: CommonQueryMethods, from: Date, to: Date): Promise<PaystackDayFigures> {
  return db.one(sql.type(dayFiguresRow)`
    WITH charges AS (
      SELECT c.verified_amount_pesewas, c.deposit_id, b.status AS buy_status, b.cedis_amount AS buy_amount
        FROM paystack_charges c
        LEFT JOIN crypto_transactions b ON b.id = c.buy_id
       WHERE c.status = 'succeeded' AND c.settled_at >= ${from.toISOString()} AND c.settled_at < ${to.toISOString()}
    ), transfers AS (
      SELECT t.amount_pesewas, t.withdrawal_id
        FROM paystack_transfers t
       WHERE t.status = 'succeeded' AND t.settled_at >= ${from.toISOString()} AND t.settled_at < ${to.toISOString()}
    ), reversed AS (
      SELECT t.amount_pesewas FROM paystack_transfers t
       WHERE t.status = 'reversed' AND t.reversed_at >= ${from.toISOString()} AND t.reversed_at < ${to.toISOString()}
    )
    SELECT
      (SELECT count(*)::int FROM charges) AS charges,
      (SELECT coalesce(sum(verified_amount_pesewas), 0) / 100.0 FROM charges)::numeric(20, 2)::text AS confirmed_ghs,
      ((SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l
         WHERE l.reason = 'deposit_approved' AND l.reference_kind = 'deposit' AND l.reference_id IN (SELECT deposit_id FROM charges WHERE deposit_id IS NOT NULL))
       + (SELECT coalesce(sum(buy_amount), 0) FROM charges WHERE buy_status = 'approved'))::numeric(20, 2)::text AS credited_ghs,
      (SELECT coalesce(sum(CASE WHEN buy_status = 'pending' THEN buy_amount ELSE 0 END), 0) FROM charges)::numeric(20, 2)::text AS awaiting_admin_ghs,
      (SELECT count(*)::int FROM paystack_charges WHERE status = 'needs_review' AND settled_at >= ${from.toISOString()} AND settled_at < ${to.toISOString()}) AS review_charges,
      (SELECT count(*)::int FROM transfers) AS transfers,
      (SELECT coalesce(sum(amount_pesewas), 0) / 100.0 FROM transfers)::numeric(20, 2)::text AS sent_ghs,
      (SELECT coalesce(-sum(l.amount), 0) FROM ledger_entries l
        WHERE l.reason IN ('withdrawal_paid', 'withdrawal_returned') AND l.reference_kind = 'withdrawal'
          AND l.reference_id IN (SELECT withdrawal_id FROM transfers))::numeric(20, 2)::text AS paid_in_ledger_ghs,
      (SELECT count(*)::int FROM reversed) AS reversed_transfers,
      (SELECT coalesce(sum(amount_pesewas), 0) / 100.0 FROM reversed)::numeric(20, 2)::text AS reversed_ghs,
      (SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l
        WHERE l.reason = 'withdrawal_returned' AND l.reference_kind = 'withdrawal'
          AND l.created_at >= ${from.toISOString()} AND l.created_at < ${to.toISOString()})::numeric(20, 2)::text AS returned_in_ledger_ghs,
      (SELECT count(*)::int FROM paystack_transfers WHERE status = 'needs_review' AND settled_at >= ${from.toISOString()} AND settled_at < ${to.toISOString()}) AS review_transfers
  `);
}

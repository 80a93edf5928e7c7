import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const movementRowSchema = z.object({
  user_id: z.number(),
  id: z.number(),
  account: z.enum(['cedis_available', 'cedis_reserved', 'crypto_available', 'crypto_reserved']),
  amount: z.string(),
  reason: z.string(),
  reference_kind: z.string(),
  reference_id: z.number(),
  /** For a desk buy: the cedis the user paid outside the wallet (momo, bank); for a crypto deposit: its cost at the buy rate. */
  paid_outside_ghs: z.string().nullable(),
});
export type MovementLedgerRow = z.infer<typeof movementRowSchema>;

/**
 * The ledger rows of every movement that touched a wallet's crypto (all of its rows, cedis included, which carry
 * what the crypto cost or brought), per user in the order they were written; optionally one user's only.
 */
export async function cryptoMovementRows(db: CommonQueryMethods, userId?: number): Promise<readonly MovementLedgerRow[]> {
  const ofUser = userId === undefined ? sql.fragment`TRUE` : sql.fragment`w.user_id = ${userId}`;
  return db.any(sql.type(movementRowSchema)`
    SELECT w.user_id, l.id, l.account, l.amount, l.reason, l.reference_kind, l.reference_id,
           CASE WHEN l.reference_kind = 'buy' THEN ct.cedis_amount WHEN l.reference_kind = 'crypto_deposit' THEN cd.credited_value_ghs END AS paid_outside_ghs
      FROM ledger_entries l
      JOIN wallets w ON w.id = l.wallet_id
      LEFT JOIN crypto_transactions ct ON l.reference_kind = 'buy' AND ct.id = l.reference_id AND ct.type = 'buy'
      LEFT JOIN crypto_deposits cd ON l.reference_kind = 'crypto_deposit' AND cd.id = l.reference_id
     WHERE ${ofUser}
       AND (l.wallet_id, l.reason, l.reference_kind, l.reference_id) IN (
             SELECT wallet_id, reason, reference_kind, reference_id FROM ledger_entries WHERE account IN ('crypto_available', 'crypto_reserved')
           )
     ORDER BY w.user_id, l.id
  `);
}

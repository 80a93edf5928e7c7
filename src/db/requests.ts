import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** The request tables whose rows admins decide, all with status pending → approved | declined. */
export type RequestTable = 'crypto_transactions' | 'cash_deposits' | 'cash_withdrawals';

/**
 * The guarded decision: moves a pending request to approved or declined, or returns null when it is no longer
 * pending (someone decided first). Runs inside the transaction that applies the decision's money effect.
 */
export async function decidePendingRequest<T extends z.ZodType>(
  db: CommonQueryMethods,
  table: RequestTable,
  schema: T,
  id: number,
  decision: { status: 'approved' | 'declined'; declineReason?: string | null; decidedAt: Date },
  /** crypto_transactions holds buys and sells: the decision applies only to a row of this type. */
  cryptoType?: 'buy' | 'sell',
): Promise<z.infer<T> | null> {
  return db.maybeOne(sql.type(schema)`
    UPDATE ${sql.identifier([table])}
       SET status = ${decision.status}, decline_reason = ${decision.declineReason ?? null}, decided_at = ${decision.decidedAt.toISOString()}
     WHERE id = ${id} AND status = 'pending' ${cryptoType ? sql.fragment`AND type = ${cryptoType}` : sql.fragment``}
    RETURNING *
  `) as Promise<z.infer<T> | null>;
}

const historySchema = z.object({
  kind: z.enum(['buy', 'sell', 'deposit', 'withdrawal']),
  id: z.number(),
  reference: z.string(),
  status: z.string(),
  cedis_amount: z.string(),
  crypto_amount: z.string().nullable(),
  created_at: z.date(),
});
export type HistoryRow = z.infer<typeof historySchema>;

const userRequests = (userId: number) => sql.fragment`
  SELECT type AS kind, id, reference, status, cedis_amount, crypto_amount, created_at FROM crypto_transactions WHERE user_id = ${userId}
  UNION ALL
  SELECT 'deposit', id, reference, status, amount, NULL, created_at FROM cash_deposits WHERE user_id = ${userId}
  UNION ALL
  SELECT 'withdrawal', id, reference, status, amount, NULL, created_at FROM cash_withdrawals WHERE user_id = ${userId}
`;

export async function countUserRequests(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number() }))`SELECT count(*)::int AS count FROM (${userRequests(userId)}) requests`);
}

/** A page of all of a user's requests of every kind, newest first. */
export async function userHistory(db: CommonQueryMethods, userId: number, page: { limit: number; offset: number }): Promise<readonly HistoryRow[]> {
  return db.any(sql.type(historySchema)`
    SELECT * FROM (${userRequests(userId)}) requests ORDER BY created_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

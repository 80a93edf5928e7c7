import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { decidePendingRow, type Decision } from './guardedDecision.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';
import { AWAITING_PAYMENT, type HistorySource } from './readModels/userHistory.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const cryptoTransactionSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  type: z.enum(['buy', 'sell']),
  cedis_amount: z.string(),
  crypto_amount: z.string(),
  rate: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  payment_method: z.enum(['momo', 'bank', 'crypto']),
  reference: z.string(),
  created_at: z.date(),
  market_price: z.string().nullable(),
  spread_percent: z.string().nullable(),
  quoted_at: z.date().nullable(),
  quote_expires_at: z.date().nullable(),
  payment_proof: z.string().nullable(),
  decline_reason: z.string().nullable(),
  decided_at: z.date().nullable(),
  /** Buys: when the user said they paid; null while the buy awaits their payment (no card yet). Null for sells. */
  reported_paid_at: z.date().nullable(),
  /** Buys: when the admins were told it was reported paid 24 hours ago and still not confirmed. */
  overdue_flagged_at: z.date().nullable(),
});
const cryptoTransactionColumns = columnsOf(cryptoTransactionSchema);
export type CryptoTransactionRow = z.infer<typeof cryptoTransactionSchema>;

export interface NewCryptoTransaction {
  userId: number;
  type: 'buy' | 'sell';
  cedisAmount: string;
  cryptoAmount: string;
  rate: string;
  paymentMethod: 'momo' | 'bank' | 'crypto';
  reference: string;
  marketPrice: string;
  spreadPercent: string;
  quotedAt: Date;
  quoteExpiresAt: Date;
  createdAt: Date;
}

export async function insertCryptoTransaction(db: CommonQueryMethods, request: NewCryptoTransaction): Promise<CryptoTransactionRow> {
  return db.one(sql.type(cryptoTransactionSchema)`
    INSERT INTO crypto_transactions (
      user_id, type, cedis_amount, crypto_amount, rate, status, payment_method, reference, created_at,
      market_price, spread_percent, quoted_at, quote_expires_at
    ) VALUES (
      ${request.userId}, ${request.type}, ${request.cedisAmount}, ${request.cryptoAmount}, ${request.rate}, 'pending',
      ${request.paymentMethod}, ${request.reference}, ${request.createdAt.toISOString()}, ${request.marketPrice},
      ${request.spreadPercent}, ${request.quotedAt.toISOString()}, ${request.quoteExpiresAt.toISOString()}
    )
    RETURNING ${cryptoTransactionColumns}
  `);
}

export async function findCryptoTransaction(db: CommonQueryMethods, id: number, type: 'buy' | 'sell'): Promise<CryptoTransactionRow | null> {
  return db.maybeOne(sql.type(cryptoTransactionSchema)`SELECT ${cryptoTransactionColumns} FROM crypto_transactions WHERE id = ${id} AND type = ${type}`);
}

const cryptoTransactionWithRequester = requestWithRequester(cryptoTransactionSchema);

/** A buy or sell and who made it (its admin card), in one statement. */
export function findCryptoTransactionWithRequester(
  db: CommonQueryMethods,
  id: number,
  type: 'buy' | 'sell',
): Promise<{ row: CryptoTransactionRow; requester: RequesterRow } | null> {
  return cryptoTransactionWithRequester(db, sql.fragment`SELECT ${cryptoTransactionColumns} FROM crypto_transactions WHERE id = ${id} AND type = ${type}`);
}

export async function findCryptoTransactionByReference(db: CommonQueryMethods, reference: string): Promise<CryptoTransactionRow | null> {
  return db.maybeOne(sql.type(cryptoTransactionSchema)`SELECT ${cryptoTransactionColumns} FROM crypto_transactions WHERE reference = ${reference}`);
}

/** Buys wait for an admin once the user reported paying them (since then); sells from when they were made. */
export function waitingCryptoTransactions(type: 'buy' | 'sell'): WaitingSource {
  return type === 'buy'
    ? sql.fragment`SELECT id, reported_paid_at AS submitted_at FROM crypto_transactions WHERE type = 'buy' AND status = 'pending' AND reported_paid_at IS NOT NULL`
    : sql.fragment`SELECT id, created_at AS submitted_at FROM crypto_transactions WHERE type = 'sell' AND status = 'pending'`;
}

/** The buys or sells among `ids` waiting for an admin, oldest first (a prepared statement: the admins' queue lists them often). */
export async function listPendingCryptoTransactions(db: CommonQueryMethods, type: 'buy' | 'sell', ids: readonly number[]): Promise<readonly CryptoTransactionRow[]> {
  return db.any(sql.prepared('pending_reported_crypto_transactions', cryptoTransactionSchema)`
    SELECT ${cryptoTransactionColumns} FROM crypto_transactions
     WHERE type = ${type} AND status = 'pending' AND (type = 'sell' OR reported_paid_at IS NOT NULL) AND id = ANY(${sql.array(ids, 'int8')})
     ORDER BY coalesce(reported_paid_at, created_at), id
  `);
}

/** crypto_transactions holds buys and sells: a decision applies only to a row of the given type. */
export function decidePendingCryptoTransaction(
  db: CommonQueryMethods,
  id: number,
  type: 'buy' | 'sell',
  decision: Decision,
): Promise<CryptoTransactionRow | null> {
  // An approval credits only a buy the user reported paid; a decline (or an expiry) takes any pending one.
  const reported = decision.status === 'approved' && type === 'buy' ? sql.fragment`AND reported_paid_at IS NOT NULL` : sql.fragment``;
  return decidePendingRow(db, 'crypto_transactions', cryptoTransactionSchema, id, decision, sql.fragment`type = ${type} ${reported}`);
}

export const cryptoTransactionHistory: HistorySource = (userId) => sql.fragment`
  SELECT type AS kind, id, reference, CASE WHEN type = 'buy' AND status = 'pending' AND reported_paid_at IS NULL THEN ${AWAITING_PAYMENT} ELSE status END AS status, cedis_amount, crypto_amount, created_at FROM crypto_transactions WHERE user_id = ${userId}
`;

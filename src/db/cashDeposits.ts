import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { decidePendingRow, type Decision } from './guardedDecision.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';
import { AWAITING_PAYMENT, type HistorySource } from './readModels/userHistory.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const depositSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  amount: z.string(),
  method: z.enum(['momo', 'bank']),
  reference: z.string(),
  payment_proof: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
  /** When the user said they paid; null while the request awaits their payment (no card yet). */
  reported_paid_at: z.date().nullable(),
});
const depositColumns = columnsOf(depositSchema);
export type DepositRow = z.infer<typeof depositSchema>;

export async function insertDeposit(
  db: CommonQueryMethods,
  deposit: { userId: number; amount: string; method: 'momo' | 'bank'; reference: string; createdAt: Date },
): Promise<DepositRow> {
  return db.one(sql.type(depositSchema)`
    INSERT INTO cash_deposits (user_id, amount, method, reference, created_at)
    VALUES (${deposit.userId}, ${deposit.amount}, ${deposit.method}, ${deposit.reference}, ${deposit.createdAt.toISOString()})
    RETURNING ${depositColumns}
  `);
}

export async function findDeposit(db: CommonQueryMethods, id: number): Promise<DepositRow | null> {
  return db.maybeOne(sql.type(depositSchema)`SELECT ${depositColumns} FROM cash_deposits WHERE id = ${id}`);
}

const depositWithRequester = requestWithRequester(depositSchema);

/** A deposit and who made it (its admin card), in one statement. */
export function findDepositWithRequester(db: CommonQueryMethods, id: number): Promise<{ row: DepositRow; requester: RequesterRow } | null> {
  return depositWithRequester(db, sql.fragment`SELECT ${depositColumns} FROM cash_deposits WHERE id = ${id}`);
}

export async function findDepositByReference(db: CommonQueryMethods, reference: string): Promise<DepositRow | null> {
  return db.maybeOne(sql.type(depositSchema)`SELECT ${depositColumns} FROM cash_deposits WHERE reference = ${reference}`);
}

/** Deposits the user reported paid and no admin decided yet, since they were reported. */
export const waitingDeposits: WaitingSource = sql.fragment`
  SELECT id, reported_paid_at AS submitted_at FROM cash_deposits WHERE status = 'pending' AND reported_paid_at IS NOT NULL
`;

/** The reported deposits among `ids` that are still pending, oldest first (a prepared statement: the admins' queue lists them often). */
export async function listPendingDeposits(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly DepositRow[]> {
  return db.any(sql.prepared('pending_reported_deposits', depositSchema)`
    SELECT ${depositColumns} FROM cash_deposits
     WHERE status = 'pending' AND reported_paid_at IS NOT NULL AND id = ANY(${sql.array(ids, 'int8')}) ORDER BY reported_paid_at, id
  `);
}

/** An approval credits only a deposit the user reported paid; a decline (or an expiry) takes any pending one. */
export function decidePendingDeposit(db: CommonQueryMethods, id: number, decision: Decision): Promise<DepositRow | null> {
  const condition = decision.status === 'approved' ? sql.fragment`reported_paid_at IS NOT NULL` : undefined;
  return decidePendingRow(db, 'cash_deposits', depositSchema, id, decision, condition);
}

export const depositHistory: HistorySource = (userId) => sql.fragment`
  SELECT 'deposit' AS kind, id, reference, CASE WHEN status = 'pending' AND reported_paid_at IS NULL THEN ${AWAITING_PAYMENT} ELSE status END AS status, amount AS cedis_amount, NULL::numeric AS crypto_amount, created_at
    FROM cash_deposits WHERE user_id = ${userId}
`;

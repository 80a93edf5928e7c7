import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { decidePendingRow } from './guardedDecision.ts';
import { payoutClaimStatements } from './payoutClaims.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';
import type { HistorySource } from './readModels/userHistory.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const MOMO_NETWORKS = ['MTN', 'Telecel', 'AirtelTigo'] as const;
export type MomoNetwork = (typeof MOMO_NETWORKS)[number];

export const withdrawalSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  amount: z.string(),
  method: z.enum(['momo', 'bank']),
  momo_network: z.enum(MOMO_NETWORKS).nullable(),
  bank_name: z.string().nullable(),
  account_number: z.string(),
  account_name: z.string(),
  reference: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
  claimed_by_telegram_id: z.number().nullable(),
  claimed_by_name: z.string().nullable(),
  claimed_at: z.date().nullable(),
  payout_reference: z.string().nullable(),
});
const withdrawalColumns = columnsOf(withdrawalSchema);
export type WithdrawalRow = z.infer<typeof withdrawalSchema>;

export interface PayoutDetails {
  method: 'momo' | 'bank';
  momoNetwork: MomoNetwork | null;
  bankName: string | null;
  accountNumber: string;
  accountName: string;
}

export async function insertWithdrawal(
  db: CommonQueryMethods,
  withdrawal: { userId: number; amount: string; payout: PayoutDetails; reference: string; createdAt: Date },
): Promise<WithdrawalRow> {
  const { payout } = withdrawal;
  return db.one(sql.type(withdrawalSchema)`
    INSERT INTO cash_withdrawals (user_id, amount, method, momo_network, bank_name, account_number, account_name, reference, created_at)
    VALUES (${withdrawal.userId}, ${withdrawal.amount}, ${payout.method}, ${payout.momoNetwork}, ${payout.bankName},
            ${payout.accountNumber}, ${payout.accountName}, ${withdrawal.reference}, ${withdrawal.createdAt.toISOString()})
    RETURNING ${withdrawalColumns}
  `);
}

export async function findWithdrawal(db: CommonQueryMethods, id: number): Promise<WithdrawalRow | null> {
  return db.maybeOne(sql.type(withdrawalSchema)`SELECT ${withdrawalColumns} FROM cash_withdrawals WHERE id = ${id}`);
}

const withdrawalWithRequester = requestWithRequester(withdrawalSchema);

/** A withdrawal and who made it (its admin card), in one statement. */
export function findWithdrawalWithRequester(db: CommonQueryMethods, id: number): Promise<{ row: WithdrawalRow; requester: RequesterRow } | null> {
  return withdrawalWithRequester(db, sql.fragment`SELECT ${withdrawalColumns} FROM cash_withdrawals WHERE id = ${id}`);
}

export async function findWithdrawalByReference(db: CommonQueryMethods, reference: string): Promise<WithdrawalRow | null> {
  return db.maybeOne(sql.type(withdrawalSchema)`SELECT ${withdrawalColumns} FROM cash_withdrawals WHERE reference = ${reference}`);
}

export const waitingWithdrawals: WaitingSource = sql.fragment`SELECT id, created_at AS submitted_at FROM cash_withdrawals WHERE status = 'pending'`;

/** The withdrawals among `ids` that are still pending, oldest first (a prepared statement: the admins' queue lists them often). */
export async function listPendingWithdrawals(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly WithdrawalRow[]> {
  return db.any(sql.prepared('pending_withdrawals', withdrawalSchema)`
    SELECT ${withdrawalColumns} FROM cash_withdrawals WHERE status = 'pending' AND id = ANY(${sql.array(ids, 'int8')}) ORDER BY created_at, id
  `);
}

/** Withdrawals are payouts: claimed by one admin before they are paid (db/payoutClaims.ts). */
export const withdrawalClaims = payoutClaimStatements('cash_withdrawals');

/** Declines a pending withdrawal nobody has claimed (a claimed one may be being paid out); null otherwise. */
export function declineUnclaimedWithdrawal(db: CommonQueryMethods, id: number, decision: { declineReason: string; decidedAt: Date }): Promise<WithdrawalRow | null> {
  return decidePendingRow(db, 'cash_withdrawals', withdrawalSchema, id, { status: 'declined', ...decision }, sql.fragment`claimed_by_telegram_id IS NULL`);
}

/** Paid: approves a pending withdrawal claimed by `claimer`, with the payout's reference; null when it is not (any more). */
export async function payClaimedWithdrawal(
  db: CommonQueryMethods,
  id: number,
  payment: { claimer: number; payoutReference: string; decidedAt: Date },
): Promise<WithdrawalRow | null> {
  return db.maybeOne(sql.type(withdrawalSchema)`
    UPDATE cash_withdrawals SET status = 'approved', payout_reference = ${payment.payoutReference}, decided_at = ${payment.decidedAt.toISOString()}
     WHERE id = ${id} AND status = 'pending' AND claimed_by_telegram_id = ${payment.claimer}
    RETURNING ${withdrawalColumns}
  `);
}

/** A paid withdrawal whose payout came back (guarded on approved): pending and unclaimed again, its payout forgotten. */
export async function reopenPaidWithdrawal(db: CommonQueryMethods, id: number): Promise<WithdrawalRow | null> {
  return db.maybeOne(sql.type(withdrawalSchema)`
    UPDATE cash_withdrawals
       SET status = 'pending', payout_reference = NULL, decided_at = NULL,
           claimed_by_telegram_id = NULL, claimed_by_name = NULL, claimed_at = NULL, claim_reminded_at = NULL
     WHERE id = ${id} AND status = 'approved'
    RETURNING ${withdrawalColumns}
  `);
}

export const withdrawalHistory: HistorySource = (userId) => sql.fragment`
  SELECT 'withdrawal' AS kind, id, reference, status, amount AS cedis_amount, NULL::numeric AS crypto_amount, created_at
    FROM cash_withdrawals WHERE user_id = ${userId}
`;

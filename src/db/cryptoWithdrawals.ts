import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { decidePendingRow } from './guardedDecision.ts';
import { payoutClaimStatements } from './payoutClaims.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';
import type { HistorySource } from './readModels/userHistory.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const cryptoWithdrawalSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  asset: z.string(),
  network: z.string(),
  address: z.string(),
  memo: z.string().nullable(),
  amount: z.string(),
  fee: z.string(),
  value_ghs: z.string(),
  reference: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  tx_hash: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
  claimed_by_telegram_id: z.number().nullable(),
  claimed_by_name: z.string().nullable(),
  claimed_at: z.date().nullable(),
});
const cryptoWithdrawalColumns = columnsOf(cryptoWithdrawalSchema);
export type CryptoWithdrawalRow = z.infer<typeof cryptoWithdrawalSchema>;

export interface NewCryptoWithdrawal {
  userId: number;
  asset: string;
  network: string;
  address: string;
  memo: string | null;
  amount: string;
  fee: string;
  valueGhs: string;
  reference: string;
  createdAt: Date;
}

export async function insertCryptoWithdrawal(db: CommonQueryMethods, withdrawal: NewCryptoWithdrawal): Promise<CryptoWithdrawalRow> {
  return db.one(sql.type(cryptoWithdrawalSchema)`
    INSERT INTO crypto_withdrawals (user_id, asset, network, address, memo, amount, fee, value_ghs, reference, created_at)
    VALUES (${withdrawal.userId}, ${withdrawal.asset}, ${withdrawal.network}, ${withdrawal.address}, ${withdrawal.memo}, ${withdrawal.amount},
            ${withdrawal.fee}, ${withdrawal.valueGhs}, ${withdrawal.reference}, ${withdrawal.createdAt.toISOString()})
    RETURNING ${cryptoWithdrawalColumns}
  `);
}

export async function findCryptoWithdrawal(db: CommonQueryMethods, id: number): Promise<CryptoWithdrawalRow | null> {
  return db.maybeOne(sql.type(cryptoWithdrawalSchema)`SELECT ${cryptoWithdrawalColumns} FROM crypto_withdrawals WHERE id = ${id}`);
}

export async function findCryptoWithdrawalByReference(db: CommonQueryMethods, reference: string): Promise<CryptoWithdrawalRow | null> {
  return db.maybeOne(sql.type(cryptoWithdrawalSchema)`SELECT ${cryptoWithdrawalColumns} FROM crypto_withdrawals WHERE reference = ${reference}`);
}

const cryptoWithdrawalWithRequester = requestWithRequester(cryptoWithdrawalSchema);

/** A crypto withdrawal and who made it (its admin card), in one statement. */
export function findCryptoWithdrawalWithRequester(db: CommonQueryMethods, id: number): Promise<{ row: CryptoWithdrawalRow; requester: RequesterRow } | null> {
  return cryptoWithdrawalWithRequester(db, sql.fragment`SELECT ${cryptoWithdrawalColumns} FROM crypto_withdrawals WHERE id = ${id}`);
}

/** The user's latest crypto withdrawals but one (the card's "recent history" beside the request). */
export async function recentCryptoWithdrawals(db: CommonQueryMethods, userId: number, exceptId: number, limit: number): Promise<readonly CryptoWithdrawalRow[]> {
  return db.any(sql.type(cryptoWithdrawalSchema)`
    SELECT ${cryptoWithdrawalColumns} FROM crypto_withdrawals WHERE user_id = ${userId} AND id <> ${exceptId} ORDER BY created_at DESC, id DESC LIMIT ${limit}
  `);
}

export const waitingCryptoWithdrawals: WaitingSource = sql.fragment`SELECT id, created_at AS submitted_at FROM crypto_withdrawals WHERE status = 'pending'`;

export async function listPendingCryptoWithdrawals(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly CryptoWithdrawalRow[]> {
  return db.any(sql.type(cryptoWithdrawalSchema)`
    SELECT ${cryptoWithdrawalColumns} FROM crypto_withdrawals WHERE status = 'pending' AND id = ANY(${sql.array(ids, 'int8')}) ORDER BY created_at, id
  `);
}

/** Crypto withdrawals are payouts: claimed by one admin before they are sent (db/payoutClaims.ts). */
export const cryptoWithdrawalClaims = payoutClaimStatements('crypto_withdrawals');

export function declineUnclaimedCryptoWithdrawal(db: CommonQueryMethods, id: number, decision: { declineReason: string; decidedAt: Date }): Promise<CryptoWithdrawalRow | null> {
  return decidePendingRow(db, 'crypto_withdrawals', cryptoWithdrawalSchema, id, { status: 'declined', ...decision }, sql.fragment`claimed_by_telegram_id IS NULL`);
}

/** Paid: approves a pending withdrawal claimed by `claimer`, with the transaction's hash; null when it is not (any more). */
export async function payClaimedCryptoWithdrawal(
  db: CommonQueryMethods,
  id: number,
  payment: { claimer: number; txHash: string; decidedAt: Date },
): Promise<CryptoWithdrawalRow | null> {
  return db.maybeOne(sql.type(cryptoWithdrawalSchema)`
    UPDATE crypto_withdrawals SET status = 'approved', tx_hash = ${payment.txHash}, decided_at = ${payment.decidedAt.toISOString()}
     WHERE id = ${id} AND status = 'pending' AND claimed_by_telegram_id = ${payment.claimer}
    RETURNING ${cryptoWithdrawalColumns}
  `);
}

/** Serialises the recording of one transaction hash (class 41), so two admins typing the same hash are checked one after the other. */
export async function lockTransactionHash(db: CommonQueryMethods, hash: string): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(41, hashtext(${hash}))`);
}

/** The networks on which a withdrawal already recorded this hash. */
export async function networksPaidWithHash(db: CommonQueryMethods, hash: string): Promise<readonly string[]> {
  const rows = await db.any(sql.type(z.object({ network: z.string() }))`SELECT DISTINCT network FROM crypto_withdrawals WHERE tx_hash = ${hash}`);
  return rows.map((row) => row.network);
}

export const cryptoWithdrawalHistory: HistorySource = (userId) => sql.fragment`
  SELECT 'crypto_withdrawal' AS kind, id, reference, status, NULL::numeric AS cedis_amount, amount + fee AS crypto_amount, created_at
    FROM crypto_withdrawals WHERE user_id = ${userId}
`;

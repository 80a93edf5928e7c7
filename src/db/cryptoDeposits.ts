import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { decidePendingRow } from './guardedDecision.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';
import type { HistorySource } from './readModels/userHistory.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const cryptoDepositSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  asset: z.string(),
  network: z.string(),
  deposit_address: z.string(),
  memo: z.string().nullable(),
  tx_hash: z.string(),
  amount: z.string(),
  value_ghs: z.string(),
  credited_amount: z.string().nullable(),
  credited_value_ghs: z.string().nullable(),
  batch_confirmed: z.boolean(),
  reference: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
});
const cryptoDepositColumns = columnsOf(cryptoDepositSchema);
export type CryptoDepositRow = z.infer<typeof cryptoDepositSchema>;

export interface NewCryptoDeposit {
  userId: number;
  asset: string;
  network: string;
  depositAddress: string;
  memo: string | null;
  txHash: string;
  amount: string;
  valueGhs: string;
  reference: string;
  createdAt: Date;
}

export async function insertCryptoDeposit(db: CommonQueryMethods, deposit: NewCryptoDeposit): Promise<CryptoDepositRow> {
  return db.one(sql.type(cryptoDepositSchema)`
    INSERT INTO crypto_deposits (user_id, asset, network, deposit_address, memo, tx_hash, amount, value_ghs, reference, created_at)
    VALUES (${deposit.userId}, ${deposit.asset}, ${deposit.network}, ${deposit.depositAddress}, ${deposit.memo}, ${deposit.txHash},
            ${deposit.amount}, ${deposit.valueGhs}, ${deposit.reference}, ${deposit.createdAt.toISOString()})
    RETURNING ${cryptoDepositColumns}
  `);
}

export async function findCryptoDeposit(db: CommonQueryMethods, id: number): Promise<CryptoDepositRow | null> {
  return db.maybeOne(sql.type(cryptoDepositSchema)`SELECT ${cryptoDepositColumns} FROM crypto_deposits WHERE id = ${id}`);
}

export async function findCryptoDepositByReference(db: CommonQueryMethods, reference: string): Promise<CryptoDepositRow | null> {
  return db.maybeOne(sql.type(cryptoDepositSchema)`SELECT ${cryptoDepositColumns} FROM crypto_deposits WHERE reference = ${reference}`);
}

/** The deposits (of anyone, declined ones aside) that recorded this transaction, oldest first. */
export async function depositsWithHash(db: CommonQueryMethods, network: string, txHash: string): Promise<readonly CryptoDepositRow[]> {
  return db.any(sql.type(cryptoDepositSchema)`
    SELECT ${cryptoDepositColumns} FROM crypto_deposits WHERE network = ${network} AND tx_hash = ${txHash} AND status <> 'declined' ORDER BY created_at, id
  `);
}

/**
 * The networks among `networks` on which a deposit (declined ones aside) recorded this hash. The networks are named so
 * that the (network, tx_hash) index serves the look-up.
 */
export async function networksDepositedWithHash(db: CommonQueryMethods, networks: readonly string[], txHash: string): Promise<readonly string[]> {
  const rows = await db.any(sql.type(z.object({ network: z.string() }))`
    SELECT DISTINCT network FROM crypto_deposits WHERE network = ANY(${sql.array(networks, 'text')}) AND tx_hash = ${txHash} AND status <> 'declined' ORDER BY network
  `);
  return rows.map((row) => row.network);
}

const cryptoDepositWithRequester = requestWithRequester(cryptoDepositSchema);

export function findCryptoDepositWithRequester(db: CommonQueryMethods, id: number): Promise<{ row: CryptoDepositRow; requester: RequesterRow } | null> {
  return cryptoDepositWithRequester(db, sql.fragment`SELECT ${cryptoDepositColumns} FROM crypto_deposits WHERE id = ${id}`);
}

export const waitingCryptoDeposits: WaitingSource = sql.fragment`SELECT id, created_at AS submitted_at FROM crypto_deposits WHERE status = 'pending'`;

export async function listPendingCryptoDeposits(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly CryptoDepositRow[]> {
  return db.any(sql.type(cryptoDepositSchema)`
    SELECT ${cryptoDepositColumns} FROM crypto_deposits WHERE status = 'pending' AND id = ANY(${sql.array(ids, 'int8')}) ORDER BY created_at, id
  `);
}

/** Approves a pending deposit with the amount credited; null when it is no longer pending. */
export async function approveCryptoDeposit(
  db: CommonQueryMethods,
  id: number,
  approval: { creditedAmount: string; creditedValueGhs: string | null; batchConfirmed: boolean; decidedAt: Date },
): Promise<CryptoDepositRow | null> {
  return db.maybeOne(sql.type(cryptoDepositSchema)`
    UPDATE crypto_deposits SET status = 'approved', credited_amount = ${approval.creditedAmount}, credited_value_ghs = ${approval.creditedValueGhs},
           batch_confirmed = ${approval.batchConfirmed},
           decided_at = ${approval.decidedAt.toISOString()}
     WHERE id = ${id} AND status = 'pending'
    RETURNING ${cryptoDepositColumns}
  `);
}

export function declineCryptoDeposit(db: CommonQueryMethods, id: number, decision: { declineReason: string; decidedAt: Date }): Promise<CryptoDepositRow | null> {
  return decidePendingRow(db, 'crypto_deposits', cryptoDepositSchema, id, { status: 'declined', ...decision });
}

export const cryptoDepositHistory: HistorySource = (userId) => sql.fragment`
  SELECT 'crypto_deposit' AS kind, id, reference, status, NULL::numeric AS cedis_amount, coalesce(credited_amount, amount) AS crypto_amount, created_at
    FROM crypto_deposits WHERE user_id = ${userId}
`;

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export async function insertWallet(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO wallets (user_id, updated_at) VALUES (${userId}, now())`);
}

/** The four balances: available and reserved cedis, available and reserved crypto. */
export const ACCOUNTS = ['cedis_available', 'cedis_reserved', 'crypto_available', 'crypto_reserved'] as const;
export type Account = (typeof ACCOUNTS)[number];

const COLUMN: Record<Account, string> = {
  cedis_available: 'balance_cedis',
  cedis_reserved: 'escrow_balance',
  crypto_available: 'balance_crypto',
  crypto_reserved: 'escrow_crypto',
};

export const walletRowSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  balance_cedis: z.string(),
  escrow_balance: z.string(),
  balance_crypto: z.string(),
  escrow_crypto: z.string(),
});
export type WalletRow = z.infer<typeof walletRowSchema>;

const walletColumns = sql.fragment`id, user_id, balance_cedis, escrow_balance, balance_crypto, escrow_crypto`;

export async function findWalletByUserId(db: CommonQueryMethods, userId: number): Promise<WalletRow | null> {
  return db.maybeOne(sql.type(walletRowSchema)`SELECT ${walletColumns} FROM wallets WHERE user_id = ${userId}`);
}

/** Why balances change, written on each ledger row of the change. */
export interface LedgerReason {
  reason: string;
  referenceKind: string;
  referenceId: number;
}

/**
 * Adds signed decimal amounts to balances and writes one ledger row per balance changed (its amount and the
 * balance after it), in one guarded statement: null, and no change and no rows, when any balance would go
 * negative. Concurrent changes of one wallet queue on its row lock, and each re-checks the guard. The ledger
 * rows are written by the statement that changes the wallet, so neither exists without the other.
 */
export async function changeWalletBalances(
  db: CommonQueryMethods,
  userId: number,
  deltas: Partial<Record<Account, string>>,
  why: LedgerReason,
): Promise<WalletRow | null> {
  const entries = Object.entries(deltas) as [Account, string][];
  const column = (account: Account) => sql.identifier([COLUMN[account]]);
  const assignments = entries.map(([account, delta]) => sql.fragment`${column(account)} = ${column(account)} + ${delta}::numeric`);
  const guards = entries.map(([account, delta]) => sql.fragment`${column(account)} + ${delta}::numeric >= 0`);
  // One row per balance changed, in the order given: the account, the amount, and the balance the UPDATE left.
  const ledgerRows = entries.map(([account, delta]) => sql.fragment`(${account}, ${delta}::numeric, changed.${column(account)})`);
  return db.maybeOne(sql.type(walletRowSchema)`
    WITH changed AS (
      UPDATE wallets SET ${sql.join(assignments, sql.fragment`, `)}, updated_at = now()
       WHERE user_id = ${userId} AND ${sql.join(guards, sql.fragment` AND `)}
      RETURNING ${walletColumns}
    ), recorded AS (
      INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id)
      SELECT changed.id, entry.account, entry.amount, entry.balance_after, ${why.reason}, ${why.referenceKind}, ${why.referenceId}
        FROM changed CROSS JOIN LATERAL (VALUES ${sql.join(ledgerRows, sql.fragment`, `)}) AS entry (account, amount, balance_after)
    )
    SELECT ${walletColumns} FROM changed
  `);
}

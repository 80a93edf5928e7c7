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

export function balanceOf(wallet: WalletRow, account: Account): string {
  return wallet[COLUMN[account] as keyof WalletRow] as string;
}

export async function findWalletByUserId(db: CommonQueryMethods, userId: number): Promise<WalletRow | null> {
  return db.maybeOne(sql.type(walletRowSchema)`SELECT ${walletColumns} FROM wallets WHERE user_id = ${userId}`);
}

/**
 * Adds signed decimal amounts to balances in one guarded statement: null (and no change) when any balance
 * would go negative. Concurrent changes of one wallet queue on its row lock, and each re-checks the guard.
 */
export async function changeWalletBalances(
  db: CommonQueryMethods,
  userId: number,
  deltas: Partial<Record<Account, string>>,
): Promise<WalletRow | null> {
  const entries = Object.entries(deltas) as [Account, string][];
  const assignments = entries.map(([account, delta]) => sql.fragment`${sql.identifier([COLUMN[account]])} = ${sql.identifier([COLUMN[account]])} + ${delta}::numeric`);
  const guards = entries.map(([account, delta]) => sql.fragment`${sql.identifier([COLUMN[account]])} + ${delta}::numeric >= 0`);
  return db.maybeOne(sql.type(walletRowSchema)`
    UPDATE wallets SET ${sql.join(assignments, sql.fragment`, `)}, updated_at = now()
     WHERE user_id = ${userId} AND ${sql.join(guards, sql.fragment` AND `)}
    RETURNING ${walletColumns}
  `);
}

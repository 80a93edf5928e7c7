import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { countRow } from '../commonRows.ts';

const transferSchema = z.object({
  kind: z.enum(['crypto_withdrawal', 'crypto_deposit']),
  reference: z.string(),
  asset: z.string(),
  network: z.string(),
  amount: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  tx_hash: z.string().nullable(),
  created_at: z.date(),
});
export type CryptoTransferRow = z.infer<typeof transferSchema>;

const transfersOf = (userId: number) => sql.fragment`
  SELECT 'crypto_withdrawal' AS kind, reference, asset, network, amount, status, tx_hash, created_at, id FROM crypto_withdrawals WHERE user_id = ${userId}
  UNION ALL
  SELECT 'crypto_deposit', reference, asset, network, coalesce(credited_amount, amount), status, tx_hash, created_at, id FROM crypto_deposits WHERE user_id = ${userId}
`;

export async function countCryptoTransfers(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM (${transfersOf(userId)}) transfers`);
}

/** A page of the user's crypto sent to and received from their own wallets, newest first. */
export async function cryptoTransfersPage(db: CommonQueryMethods, userId: number, page: { limit: number; offset: number }): Promise<readonly CryptoTransferRow[]> {
  return db.any(sql.type(transferSchema)`
    SELECT kind, reference, asset, network, amount, status, tx_hash, created_at FROM (${transfersOf(userId)}) transfers
     ORDER BY created_at DESC, kind, id DESC LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

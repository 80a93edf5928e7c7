import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const cryptoNetworkSchema = z.object({
  network: z.string(),
  enabled: z.boolean(),
  deposit_address: z.string().nullable(),
  withdrawal_fee: z.string().nullable(),
  min_withdrawal: z.string().nullable(),
});
const networkColumns = columnsOf(cryptoNetworkSchema);
export type CryptoNetworkRow = z.infer<typeof cryptoNetworkSchema>;

/** A change of one network's settings: the columns given, the others kept. */
export type CryptoNetworkPatch = Partial<Pick<CryptoNetworkRow, 'enabled' | 'deposit_address' | 'withdrawal_fee' | 'min_withdrawal'>>;

/** Every network an admin has set anything of (a fresh install has none). */
export async function listCryptoNetworks(db: CommonQueryMethods): Promise<readonly CryptoNetworkRow[]> {
  return db.any(sql.type(cryptoNetworkSchema)`SELECT ${networkColumns} FROM crypto_networks ORDER BY network`);
}

export async function findCryptoNetwork(db: CommonQueryMethods, network: string, options: { forUpdate?: boolean } = {}): Promise<CryptoNetworkRow | null> {
  return db.maybeOne(sql.type(cryptoNetworkSchema)`
    SELECT ${networkColumns} FROM crypto_networks WHERE network = ${network} ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}
  `);
}

/** Writes the columns of `patch` for a network (its row made, off and empty, on the first change); the row after it. */
export async function saveCryptoNetwork(db: CommonQueryMethods, network: string, patch: CryptoNetworkPatch, at: Date): Promise<CryptoNetworkRow> {
  const assignments = Object.entries(patch).map(([column, value]) => sql.fragment`${sql.identifier([column])} = ${value ?? null}`);
  if (assignments.length === 0) throw new Error('saveCryptoNetwork: nothing to change');
  // Made first and then changed: the row the INSERT proposes is checked on its own, and it is off.
  await db.query(sql.unsafe`INSERT INTO crypto_networks (network, updated_at) VALUES (${network}, ${at.toISOString()}) ON CONFLICT (network) DO NOTHING`);
  return db.one(sql.type(cryptoNetworkSchema)`
    UPDATE crypto_networks SET ${sql.join(assignments, sql.fragment`, `)}, updated_at = ${at.toISOString()} WHERE network = ${network}
    RETURNING ${networkColumns}
  `);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const savedAddressSchema = z.object({
  id: z.number(),
  network: z.string(),
  address: z.string(),
  memo: z.string().nullable(),
  label: z.string(),
});
const savedAddressColumns = columnsOf(savedAddressSchema);
export type SavedAddressRow = z.infer<typeof savedAddressSchema>;

/** A user's saved addresses on a network, the last used first. */
export async function listSavedAddresses(db: CommonQueryMethods, userId: number, network: string, limit: number): Promise<readonly SavedAddressRow[]> {
  return db.any(sql.type(savedAddressSchema)`
    SELECT ${savedAddressColumns} FROM crypto_addresses WHERE user_id = ${userId} AND network = ${network} ORDER BY last_used_at DESC, id DESC LIMIT ${limit}
  `);
}

export async function findSavedAddress(db: CommonQueryMethods, userId: number, id: number): Promise<SavedAddressRow | null> {
  return db.maybeOne(sql.type(savedAddressSchema)`SELECT ${savedAddressColumns} FROM crypto_addresses WHERE id = ${id} AND user_id = ${userId}`);
}

/** Saves an address (or renames it and marks it used now, when the user has it already). */
export async function saveAddress(
  db: CommonQueryMethods,
  entry: { userId: number; network: string; address: string; memo: string | null; label: string; usedAt: Date },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO crypto_addresses (user_id, network, address, memo, label, last_used_at)
    VALUES (${entry.userId}, ${entry.network}, ${entry.address}, ${entry.memo}, ${entry.label}, ${entry.usedAt.toISOString()})
    ON CONFLICT (user_id, network, address, memo) DO UPDATE SET label = EXCLUDED.label, last_used_at = EXCLUDED.last_used_at
  `);
}

/** Marks a saved address used now, so it is offered first next time. */
export async function touchSavedAddress(db: CommonQueryMethods, userId: number, network: string, address: string, memo: string | null, at: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE crypto_addresses SET last_used_at = ${at.toISOString()}
     WHERE user_id = ${userId} AND network = ${network} AND address = ${address} AND memo IS NOT DISTINCT FROM ${memo}
  `);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** A Telegram update as stored: its id and the update itself, as Telegram sent it. */
export interface StoredUpdate {
  update_id: number;
}

const storedRow = z.object({ update: z.looseObject({ update_id: z.number() }) });

export async function storeUnfinishedUpdates(db: CommonQueryMethods, updates: readonly StoredUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await db.query(sql.unsafe`
    INSERT INTO unfinished_updates (update_id, update)
    SELECT (value ->> 'update_id')::bigint, value FROM jsonb_array_elements(${sql.jsonb(updates as never)}) AS stored (value)
    ON CONFLICT DO NOTHING
  `);
}

/** Oldest first, as Telegram delivered them. */
export async function listUnfinishedUpdates(db: CommonQueryMethods): Promise<StoredUpdate[]> {
  const rows = await db.any(sql.type(storedRow)`SELECT update FROM unfinished_updates ORDER BY update_id`);
  return rows.map((row) => row.update);
}

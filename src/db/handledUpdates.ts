import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const handledRow = z.object({ handled: z.boolean() });
const highestRow = z.object({ highest: z.coerce.number() });

/**
 * Records update ids as handled (an id recorded before stays as it was) and drops the stored copies of parked
 * updates that are done (see unfinishedUpdates.ts): one statement for a batch of both.
 */
export async function recordHandledUpdates(db: CommonQueryMethods, batch: { handled: readonly number[]; storedCopiesDone: readonly number[] }): Promise<void> {
  await db.query(sql.unsafe`
    WITH dropped AS (DELETE FROM unfinished_updates WHERE update_id = ANY(${sql.array(batch.storedCopiesDone, 'int8')}))
    INSERT INTO handled_updates (update_id) SELECT unnest(${sql.array(batch.handled, 'int8')}) ON CONFLICT DO NOTHING
  `);
}

export async function isUpdateHandled(db: CommonQueryMethods, updateId: number): Promise<boolean> {
  return db.oneFirst(sql.type(handledRow)`SELECT EXISTS (SELECT 1 FROM handled_updates WHERE update_id = ${updateId}) AS handled`);
}

/** The highest update id recorded (-1 when none): every id above it is new. */
export async function highestHandledUpdate(db: CommonQueryMethods): Promise<number> {
  return db.oneFirst(sql.type(highestRow)`SELECT coalesce(max(update_id), -1) AS highest FROM handled_updates`);
}

export async function deleteHandledUpdatesBefore(db: CommonQueryMethods, before: Date): Promise<number> {
  const result = await db.query(sql.unsafe`DELETE FROM handled_updates WHERE handled_at < ${before.toISOString()}`);
  return result.rowCount;
}

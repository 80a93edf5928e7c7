import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const handledRow = z.object({ handled: z.boolean() });
const highestRow = z.object({ highest: z.coerce.number() });

/** Records update ids as handled (one statement for a batch; an id recorded before stays as it was). */
export async function recordHandledUpdates(db: CommonQueryMethods, updateIds: readonly number[]): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO handled_updates (update_id) SELECT unnest(${sql.array(updateIds, 'int8')}) ON CONFLICT DO NOTHING
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

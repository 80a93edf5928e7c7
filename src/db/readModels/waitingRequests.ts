import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/**
 * One kind's requests waiting for an admin: a SELECT of (id, submitted_at) of those still open. Each table file
 * defines its own.
 */
export type WaitingSource = FragmentSqlToken;

const waitingSchema = z.object({ kind: z.string(), id: z.number(), submitted_at: z.date() });
export type WaitingRow = z.infer<typeof waitingSchema>;

/**
 * Every waiting request of every kind, oldest first, in one statement: only its kind, id and time (three small
 * columns), so the whole queue is cheap to read; the facts of the few shown are read afterwards.
 */
export async function listWaitingRequests(db: CommonQueryMethods, sources: readonly { kind: string; waiting: WaitingSource }[]): Promise<readonly WaitingRow[]> {
  const kinds = sources.map(({ kind, waiting }) => sql.fragment`SELECT ${kind}::text AS kind, id, submitted_at FROM (${waiting}) waiting`);
  return db.any(sql.type(waitingSchema)`
    SELECT kind, id, submitted_at FROM (${sql.join(kinds, sql.fragment` UNION ALL `)}) requests ORDER BY submitted_at, id, kind
  `);
}

import { createHash } from 'node:crypto';
import { sql, type CommonQueryMethods, type FragmentSqlToken, type ListSqlToken } from 'slonik';
import { z } from 'zod';

/**
 * One kind's requests waiting for an admin: a SELECT of (id, submitted_at) of those still open. Each table file
 * defines its own.
 */
export type WaitingSource = FragmentSqlToken;

export interface WaitingSources {
  kind: string;
  waiting: WaitingSource;
}

const waitingSchema = z.object({ kind: z.string(), id: z.number(), submitted_at: z.date() });
export type WaitingRow = z.infer<typeof waitingSchema>;

function everyKind(sources: readonly WaitingSources[]): ListSqlToken {
  const kinds = sources.map(({ kind, waiting }) => sql.fragment`SELECT ${kind}::text AS kind, id, submitted_at FROM (${waiting}) waiting`);
  return sql.join(kinds, sql.fragment` UNION ALL `);
}

const queueOrder = sql.fragment`ORDER BY submitted_at, id, kind`;

/** Every waiting request of every kind, oldest first, in one statement: only its kind, id and time. */
export async function listWaitingRequests(db: CommonQueryMethods, sources: readonly WaitingSources[]): Promise<readonly WaitingRow[]> {
  return db.any(sql.type(waitingSchema)`SELECT kind, id, submitted_at FROM (${everyKind(sources)}) requests ${queueOrder}`);
}

// A row of the summary is either a kind's count (with its oldest time) or one of the oldest requests (with its id).
const summaryRowSchema = z.object({ kind: z.string(), count: z.number().nullable(), id: z.number().nullable(), submitted_at: z.date() });

export interface WaitingSummary {
  kinds: readonly { kind: string; count: number; oldest: Date }[];
  oldest: readonly WaitingRow[];
}

/**
 * The queue in brief, in one statement: how many requests wait of each kind and since when, and the oldest
 * `limit` of every kind together (all that a screen lists), so the rest of the queue is counted, not read.
 */
export async function summarizeWaitingRequests(db: CommonQueryMethods, sources: readonly WaitingSources[], limit: number): Promise<WaitingSummary> {
  // A prepared statement (PostgreSQL parses and plans it once per connection, which took as long as running it),
  // named after the sources, which make its text.
  const name = `queue_summary_${createHash('sha256').update(JSON.stringify(sources.map(({ kind, waiting }) => [kind, waiting.sql]))).digest('hex').slice(0, 16)}`;
  const rows = await db.any(sql.prepared(name, summaryRowSchema)`
    WITH requests AS (${everyKind(sources)})
    SELECT kind, count(*)::int8 AS count, NULL::int8 AS id, min(submitted_at) AS submitted_at FROM requests GROUP BY kind
    UNION ALL
    (SELECT kind, NULL, id, submitted_at FROM requests ${queueOrder} LIMIT ${limit})
  `);
  const kinds = rows.flatMap(({ kind, count, submitted_at }) => (count === null ? [] : [{ kind, count, oldest: submitted_at }]));
  const oldest = rows.flatMap(({ kind, id, submitted_at }) => (id === null ? [] : [{ kind, id, submitted_at }]));
  // UNION ALL promises no order: the kinds by their oldest request, the requests in the queue's order.
  return {
    kinds: kinds.sort((a, b) => a.oldest.getTime() - b.oldest.getTime()),
    oldest: oldest.sort((a, b) => a.submitted_at.getTime() - b.submitted_at.getTime() || a.id - b.id || a.kind.localeCompare(b.kind)),
  };
}

import { sql, type CommonQueryMethods, type FragmentSqlToken, type ListSqlToken } from 'slonik';
import { z } from 'zod';

/**
 * One kind of request in a user's history: for one user, a SELECT of
 * (kind, id, reference, status, cedis_amount, crypto_amount, created_at). Each table file defines its own.
 */
export type HistorySource = (userId: number) => FragmentSqlToken;

const historySchema = z.object({
  kind: z.string(),
  id: z.number(),
  reference: z.string(),
  status: z.string(),
  cedis_amount: z.string(),
  crypto_amount: z.string().nullable(),
  created_at: z.date(),
});
export type HistoryRow = z.infer<typeof historySchema>;

function allRequests(userId: number, sources: readonly HistorySource[]): ListSqlToken {
  return sql.join(
    sources.map((source) => source(userId)),
    sql.fragment` UNION ALL `,
  );
}

export async function countUserHistory(db: CommonQueryMethods, userId: number, sources: readonly HistorySource[]): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number() }))`
    SELECT count(*)::int AS count FROM (${allRequests(userId, sources)}) requests
  `);
}

/** A page of all of a user's requests of every kind, newest first. */
export async function userHistoryPage(
  db: CommonQueryMethods,
  userId: number,
  sources: readonly HistorySource[],
  page: { limit: number; offset: number },
): Promise<readonly HistoryRow[]> {
  return db.any(sql.type(historySchema)`
    SELECT * FROM (${allRequests(userId, sources)}) requests ORDER BY created_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

/** The user's requests still waiting for an admin (pending or under review), newest first. */
export async function openUserRequests(db: CommonQueryMethods, userId: number, sources: readonly HistorySource[], limit: number): Promise<readonly HistoryRow[]> {
  return db.any(sql.type(historySchema)`
    SELECT * FROM (${allRequests(userId, sources)}) requests
     WHERE status IN ('pending', 'under_review') ORDER BY created_at DESC, id DESC LIMIT ${limit}
  `);
}

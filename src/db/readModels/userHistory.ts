import { sql, type CommonQueryMethods, type FragmentSqlToken, type ListSqlToken } from 'slonik';
import { z } from 'zod';
import { countRow } from '../commonRows.ts';

/**
 * One kind of request in a user's history: for one user, a SELECT of
 * (kind, id, reference, status, cedis_amount, crypto_amount, created_at). Each table file defines its own.
 */
export type HistorySource = (userId: number) => FragmentSqlToken;

/** The history status of a buy or deposit stored when the user was shown where to pay, until they say they paid. */
export const AWAITING_PAYMENT = 'awaiting_payment';

const historySchema = z.object({
  kind: z.string(),
  id: z.number(),
  reference: z.string(),
  status: z.string(),
  /** Null for crypto moved to or from the user's own wallet, which has no cedi side. */
  cedis_amount: z.string().nullable(),
  crypto_amount: z.string().nullable(),
  created_at: z.date(),
});
export type HistoryRow = z.infer<typeof historySchema>;

const newestFirst = sql.fragment`ORDER BY created_at DESC, id DESC`;

function allRequests(userId: number, sources: readonly HistorySource[]): ListSqlToken {
  return sql.join(
    sources.map((source) => source(userId)),
    sql.fragment` UNION ALL `,
  );
}

/** Each kind counted on its own: a count per table reads only its (user_id, …) index, never the rows. */
export async function countUserHistory(db: CommonQueryMethods, userId: number, sources: readonly HistorySource[]): Promise<number> {
  const counts = sources.map((source) => sql.fragment`(SELECT count(*) FROM (${source(userId)}) requests)`);
  return db.oneFirst(sql.type(countRow)`SELECT (${sql.join(counts, sql.fragment` + `)})::int AS count`);
}

/**
 * A page of all of a user's requests of every kind, newest first. The page is among the newest `offset + limit`
 * of each kind, so each kind reads only those from its (user_id, created_at) index instead of all of the user's rows.
 */
export async function userHistoryPage(
  db: CommonQueryMethods,
  userId: number,
  sources: readonly HistorySource[],
  page: { limit: number; offset: number },
): Promise<readonly HistoryRow[]> {
  const newest = sources.map((source) => sql.fragment`(SELECT * FROM (${source(userId)}) requests ${newestFirst} LIMIT ${page.offset + page.limit})`);
  return db.any(sql.type(historySchema)`
    SELECT * FROM (${sql.join(newest, sql.fragment` UNION ALL `)}) requests ${newestFirst} LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

/** The user's open requests (awaiting their payment, pending or under review), newest first. */
export async function openUserRequests(db: CommonQueryMethods, userId: number, sources: readonly HistorySource[], limit: number): Promise<readonly HistoryRow[]> {
  return db.any(sql.type(historySchema)`
    SELECT * FROM (${allRequests(userId, sources)}) requests
     WHERE status IN (${AWAITING_PAYMENT}, 'pending', 'under_review') ORDER BY created_at DESC, id DESC LIMIT ${limit}
  `);
}

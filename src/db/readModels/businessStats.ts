import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** From `from` (included) to `to` (excluded). */
export interface Period {
  from: Date;
  to: Date;
}

/** The kinds of money movement, named as their requests are (approval kinds), plus market trades. */
export const MONEY_KINDS = ['buy', 'sell', 'deposit', 'withdrawal', 'gift_card', 'market'] as const;
export type MoneyKind = (typeof MONEY_KINDS)[number];

/**
 * Every movement of money in the period, as (kind, at, ghs): approved requests at the time they were decided
 * (GHS paid or received; a gift card's payout), and market trades at the time they filled (their GHS total).
 */
function moneyMovedIn({ from, to }: Period): FragmentSqlToken {
  const between = (column: FragmentSqlToken) => sql.fragment`${column} >= ${from.toISOString()} AND ${column} < ${to.toISOString()}`;
  return sql.fragment`
    SELECT type AS kind, decided_at AS at, cedis_amount AS ghs FROM crypto_transactions WHERE status = 'approved' AND ${between(sql.fragment`decided_at`)}
    UNION ALL
    SELECT 'deposit', decided_at, amount FROM cash_deposits WHERE status = 'approved' AND ${between(sql.fragment`decided_at`)}
    UNION ALL
    SELECT 'withdrawal', decided_at, amount FROM cash_withdrawals WHERE status = 'approved' AND ${between(sql.fragment`decided_at`)}
    UNION ALL
    SELECT 'gift_card', decided_at, payout_ghs FROM gift_card_orders WHERE status IN ('approved', 'completed') AND ${between(sql.fragment`decided_at`)}
    UNION ALL
    SELECT 'market', created_at, total FROM trades WHERE ${between(sql.fragment`created_at`)}
  `;
}

const kindVolumeSchema = z.object({ kind: z.enum(MONEY_KINDS), count: z.number(), ghs: z.string() });
export type KindVolumeRow = z.infer<typeof kindVolumeSchema>;

/** How many movements of each kind the period had, and their GHS; kinds without any are left out. */
export async function moneyMovedByKind(db: CommonQueryMethods, period: Period): Promise<readonly KindVolumeRow[]> {
  return db.any(sql.type(kindVolumeSchema)`
    SELECT kind, count(*)::int AS count, sum(ghs) AS ghs FROM (${moneyMovedIn(period)}) moved GROUP BY kind
  `);
}

const dailyVolumeSchema = z.object({ day: z.string(), kind: z.enum(MONEY_KINDS), ghs: z.string() });
export type DailyVolumeRow = z.infer<typeof dailyVolumeSchema>;

/** The GHS of each kind on each calendar day (YYYY-MM-DD in `timeZone`) of the period that had any. */
export async function moneyMovedByDay(db: CommonQueryMethods, period: Period, timeZone: string): Promise<readonly DailyVolumeRow[]> {
  return db.any(sql.type(dailyVolumeSchema)`
    SELECT (at AT TIME ZONE ${timeZone})::date AS day, kind, sum(ghs) AS ghs
      FROM (${moneyMovedIn(period)}) moved GROUP BY 1, 2 ORDER BY 1, 2
  `);
}

const userCountsSchema = z.object({ total: z.number(), joined: z.array(z.number()) });

/** Every registered user, and how many joined since each of the given times. */
export async function countUsersJoinedSince(db: CommonQueryMethods, since: readonly Date[]): Promise<{ total: number; joined: readonly number[] }> {
  const joined = since.map((from) => sql.fragment`count(*) FILTER (WHERE created_at >= ${from.toISOString()})::int`);
  return db.one(sql.type(userCountsSchema)`
    SELECT count(*)::int AS total, ARRAY[${sql.join(joined, sql.fragment`, `)}]::int[] AS joined FROM users
  `);
}

export async function countUsersJoinedIn(db: CommonQueryMethods, { from, to }: Period): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number() }))`
    SELECT count(*)::int AS count FROM users WHERE created_at >= ${from.toISOString()} AND created_at < ${to.toISOString()}
  `);
}

const kycFunnelSchema = z.object({
  registered: z.number(),
  submitted: z.number(),
  waiting: z.number(),
  approved: z.number(),
  rejected: z.number(),
});
export type KycFunnelRow = z.infer<typeof kycFunnelSchema>;

/**
 * Registered users, and where they stand in verification: submitted (ever sent documents, or decided),
 * waiting for a decision, approved, rejected (and not resubmitted since).
 */
export async function kycFunnel(db: CommonQueryMethods): Promise<KycFunnelRow> {
  return db.one(sql.type(kycFunnelSchema)`
    SELECT count(*)::int AS registered,
           count(*) FILTER (WHERE k.id IS NOT NULL OR u.kyc_status <> 'pending')::int AS submitted,
           count(*) FILTER (WHERE k.status IN ('PENDING', 'UNDER_REVIEW'))::int AS waiting,
           count(*) FILTER (WHERE u.kyc_status = 'approved')::int AS approved,
           count(*) FILTER (WHERE u.kyc_status = 'rejected')::int AS rejected
      FROM users u LEFT JOIN kyc_verifications k ON k.user_id = u.id
  `);
}

const kycDecisionsSchema = z.object({ approved: z.number(), rejected: z.number() });

/** KYC submissions approved and rejected in the period. */
export async function countKycDecisionsIn(db: CommonQueryMethods, { from, to }: Period): Promise<z.infer<typeof kycDecisionsSchema>> {
  return db.one(sql.type(kycDecisionsSchema)`
    SELECT count(*) FILTER (WHERE status = 'APPROVED')::int AS approved, count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected
      FROM kyc_submissions WHERE reviewed_at >= ${from.toISOString()} AND reviewed_at < ${to.toISOString()}
  `);
}

const giftCardRankSchema = z.object({
  name: z.string(),
  brand: z.string(),
  currency: z.string(),
  trade_ins: z.number(),
  face_value: z.string(),
  payout_ghs: z.string(),
});
export type GiftCardRankRow = z.infer<typeof giftCardRankSchema>;

/** The cards that paid out the most in approved trade-ins of the period. */
export async function topGiftCardsIn(db: CommonQueryMethods, { from, to }: Period, limit: number): Promise<readonly GiftCardRankRow[]> {
  return db.any(sql.type(giftCardRankSchema)`
    SELECT c.name, c.brand, o.currency, count(*)::int AS trade_ins, sum(o.amount) AS face_value, sum(o.payout_ghs) AS payout_ghs
      FROM gift_card_orders o JOIN gift_cards c ON c.id = o.card_id
     WHERE o.status IN ('approved', 'completed') AND o.decided_at >= ${from.toISOString()} AND o.decided_at < ${to.toISOString()}
     GROUP BY c.id, c.name, c.brand, o.currency
     ORDER BY sum(o.payout_ghs) DESC, count(*) DESC, c.id
     LIMIT ${limit}
  `);
}

const marketActivitySchema = z.object({ open_buy: z.number(), open_sell: z.number(), crypto_volume: z.string() });
export type MarketActivityRow = z.infer<typeof marketActivitySchema>;

/** The open orders on the book now, and the crypto traded in the period. */
export async function marketActivity(db: CommonQueryMethods, { from, to }: Period): Promise<MarketActivityRow> {
  return db.one(sql.type(marketActivitySchema)`
    SELECT (SELECT count(*)::int FROM orders WHERE order_type = 'BUY' AND status IN ('PENDING', 'PROCESSING')) AS open_buy,
           (SELECT count(*)::int FROM orders WHERE order_type = 'SELL' AND status IN ('PENDING', 'PROCESSING')) AS open_sell,
           (SELECT coalesce(sum(amount), 0) FROM trades WHERE created_at >= ${from.toISOString()} AND created_at < ${to.toISOString()}) AS crypto_volume
  `);
}

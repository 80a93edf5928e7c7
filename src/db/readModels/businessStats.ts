import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** The kinds of money movement, named as their requests are (approval kinds), plus market trades. */
export const MONEY_KINDS = ['buy', 'sell', 'deposit', 'withdrawal', 'gift_card', 'market', 'crypto_deposit', 'crypto_withdrawal'] as const;
export type MoneyKind = (typeof MONEY_KINDS)[number];

/** Calendar days (YYYY-MM-DD) summed from the tables: day i runs from bounds[i] (included) to bounds[i + 1] (excluded). */
export interface LiveDays {
  days: readonly string[];
  bounds: readonly Date[];
}

/**
 * Where the figures of consecutive days are read: the rolled-up ones (daily_totals and its tables, `from` to `to`
 * included), and the days after them from the tables of requests, trades and users.
 */
export interface DaySources {
  rolledUp: { from: string; to: string } | null;
  live: LiveDays | null;
}

function liveSpan({ days, bounds }: LiveDays) {
  const first = bounds[0];
  const last = bounds[days.length];
  if (!first || !last || days.length === 0 || bounds.length !== days.length + 1) throw new RangeError('Live days need their bounds, one more than the days.');
  const all = sql.array(bounds.map((bound) => bound.toISOString()), 'timestamptz');
  const names = sql.array(days, 'text');
  return {
    all,
    names,
    /** `column` within the days. */
    within: (column: FragmentSqlToken) => sql.fragment`${column} >= ${first.toISOString()} AND ${column} < ${last.toISOString()}`,
    /** The day `column` falls on (the bounds are in order, so width_bucket finds it). */
    dayOf: (column: FragmentSqlToken) => sql.fragment`(${names})[width_bucket(${column}, ${all})]`,
  };
}

const rolledUpWithin = ({ from, to }: { from: string; to: string }) => sql.fragment`day BETWEEN ${from}::date AND ${to}::date`;

/** The parts that apply, one after the other (the rolled-up days and the live ones never overlap). */
function unionOf(sources: DaySources, rolledUp: (days: { from: string; to: string }) => FragmentSqlToken, live: (days: LiveDays) => FragmentSqlToken) {
  const parts = [sources.rolledUp && rolledUp(sources.rolledUp), sources.live && live(sources.live)].filter((part) => part !== null);
  if (parts.length === 0) throw new RangeError('No days to read.');
  return sql.join(parts, sql.fragment` UNION ALL `);
}

/**
 * Every movement of money in the live days, as (kind, at, ghs): approved requests at the time they were decided
 * (GHS paid or received; a gift card's payout; crypto to or from a user's own wallet at the desk's rate then), and
 * market trades at the time they filled (their GHS total).
 */
function moneyMovedIn(live: LiveDays): FragmentSqlToken {
  const { within } = liveSpan(live);
  const decided = within(sql.fragment`decided_at`);
  return sql.fragment`
    SELECT type AS kind, decided_at AS at, cedis_amount AS ghs FROM crypto_transactions WHERE status = 'approved' AND ${decided}
    UNION ALL
    SELECT 'deposit', decided_at, amount FROM cash_deposits WHERE status = 'approved' AND ${decided}
    UNION ALL
    SELECT 'withdrawal', decided_at, amount FROM cash_withdrawals WHERE status = 'approved' AND ${decided}
    UNION ALL
    SELECT 'gift_card', decided_at, payout_ghs FROM gift_card_orders WHERE status IN ('approved', 'completed') AND ${decided}
    UNION ALL
    SELECT 'market', created_at, total FROM trades WHERE ${within(sql.fragment`created_at`)}
    UNION ALL
    SELECT 'crypto_deposit', decided_at, coalesce(credited_value_ghs, 0) FROM crypto_deposits WHERE status = 'approved' AND ${decided}
    UNION ALL
    SELECT 'crypto_withdrawal', decided_at, value_ghs FROM crypto_withdrawals WHERE status = 'approved' AND ${decided}
  `;
}

/** daily_totals' columns of every kind, e.g. buy_movements, sell_movements … */
const KIND_COLUMNS = (suffix: string) => sql.join(MONEY_KINDS.map((kind) => sql.identifier([`${kind}_${suffix}`])), sql.fragment`, `);

const dayFiguresSchema = z.object({
  day: z.string(),
  users_joined: z.number(),
  kyc_approved: z.number(),
  kyc_rejected: z.number(),
  crypto_traded: z.string(),
  /** Money moved by kind, in the order of MONEY_KINDS: how many movements, and their GHS (exact sums). */
  movements: z.array(z.number()),
  ghs: z.array(z.string()),
});
export type DayFiguresRow = z.infer<typeof dayFiguresSchema>;

/** Every day's users joined, KYC submissions approved and rejected, crypto traded on the market, and money moved by kind. */
export async function figuresByDay(db: CommonQueryMethods, sources: DaySources): Promise<readonly DayFiguresRow[]> {
  const inDay = (column: FragmentSqlToken) => sql.fragment`${column} >= d.from_at AND ${column} < d.to_at`;
  const ofKind = (kind: MoneyKind, aggregate: FragmentSqlToken) => sql.fragment`${aggregate} FILTER (WHERE kind = ${kind})`;
  return db.any(sql.type(dayFiguresSchema)`
    ${unionOf(
      sources,
      (days) => sql.fragment`
        SELECT day::text AS day, users_joined, kyc_approved, kyc_rejected, crypto_traded,
               ARRAY[${KIND_COLUMNS('movements')}] AS movements, ARRAY[${KIND_COLUMNS('ghs')}]::text[] AS ghs
          FROM daily_totals WHERE ${rolledUpWithin(days)}`,
      (live) => {
        const { all, names, dayOf } = liveSpan(live);
        const none = MONEY_KINDS.length;
        return sql.fragment`
          SELECT d.day,
                 (SELECT count(*)::int FROM users WHERE ${inDay(sql.fragment`created_at`)}) AS users_joined,
                 (SELECT count(*)::int FROM kyc_submissions WHERE status = 'APPROVED' AND ${inDay(sql.fragment`reviewed_at`)}) AS kyc_approved,
                 (SELECT count(*)::int FROM kyc_submissions WHERE status = 'REJECTED' AND ${inDay(sql.fragment`reviewed_at`)}) AS kyc_rejected,
                 (SELECT coalesce(sum(amount), 0) FROM trades WHERE ${inDay(sql.fragment`created_at`)}) AS crypto_traded,
                 coalesce(m.movements, array_fill(0, ARRAY[${none}::int])) AS movements,
                 coalesce(m.ghs, array_fill('0'::text, ARRAY[${none}::int])) AS ghs
            FROM unnest(${names}, (${all})[1:cardinality(${names})], (${all})[2:]) AS d(day, from_at, to_at)
            LEFT JOIN (
              SELECT ${dayOf(sql.fragment`at`)} AS day,
                     ARRAY[${sql.join(MONEY_KINDS.map((kind) => sql.fragment`${ofKind(kind, sql.fragment`count(*)`)}::int`), sql.fragment`, `)}] AS movements,
                     ARRAY[${sql.join(MONEY_KINDS.map((kind) => sql.fragment`coalesce(${ofKind(kind, sql.fragment`sum(ghs)`)}, 0)::text`), sql.fragment`, `)}] AS ghs
                FROM (${moneyMovedIn(live)}) moved GROUP BY 1
            ) m ON m.day = d.day`;
      },
    )}
    ORDER BY 1
  `);
}

const dayGiftCardSchema = z.object({
  day: z.string(),
  card_id: z.number(),
  currency: z.string(),
  trade_ins: z.number(),
  face_value: z.string(),
  payout_ghs: z.string(),
});
export type DayGiftCardRow = z.infer<typeof dayGiftCardSchema>;

/** Approved gift card trade-ins of the live days by card and face value currency, and by day when `byDay`. */
function giftCardsIn(live: LiveDays, byDay: boolean): FragmentSqlToken {
  const day = byDay ? sql.fragment`${liveSpan(live).dayOf(sql.fragment`decided_at`)} AS day,` : sql.fragment``;
  return sql.fragment`
    SELECT ${day} card_id, currency, count(*)::int AS trade_ins, sum(amount) AS face_value, sum(payout_ghs) AS payout_ghs
      FROM gift_card_orders WHERE status IN ('approved', 'completed') AND ${liveSpan(live).within(sql.fragment`decided_at`)}
     GROUP BY ${byDay ? sql.fragment`1, ` : sql.fragment``}card_id, currency`;
}

/** Approved gift card trade-ins of each live day by card and face value currency (what a day rolls up). */
export async function giftCardsByDay(db: CommonQueryMethods, live: LiveDays): Promise<readonly DayGiftCardRow[]> {
  return db.any(sql.type(dayGiftCardSchema)`${giftCardsIn(live, true)} ORDER BY 1, 2, 3`);
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

/** The cards that paid out the most in approved trade-ins over the days (then the most trade-ins, then by card). */
export async function topGiftCards(db: CommonQueryMethods, sources: DaySources, limit: number): Promise<readonly GiftCardRankRow[]> {
  const cards = unionOf(
    sources,
    (days) => sql.fragment`
      SELECT card_id, currency, sum(trade_ins)::int AS trade_ins, sum(face_value) AS face_value, sum(payout_ghs) AS payout_ghs
        FROM daily_gift_card_totals WHERE ${rolledUpWithin(days)} GROUP BY card_id, currency`,
    (live) => giftCardsIn(live, false),
  );
  return db.any(sql.type(giftCardRankSchema)`
    SELECT c.name, c.brand, t.currency, sum(t.trade_ins)::int AS trade_ins, sum(t.face_value) AS face_value, sum(t.payout_ghs) AS payout_ghs
      FROM (${cards}) t JOIN gift_cards c ON c.id = t.card_id
     GROUP BY c.id, c.name, c.brand, t.currency
     ORDER BY sum(t.payout_ghs) DESC, sum(t.trade_ins) DESC, c.id, t.currency
     LIMIT ${limit}
  `);
}

const standingSchema = z.object({
  registered: z.number(),
  submitted: z.number(),
  waiting: z.number(),
  approved: z.number(),
  rejected: z.number(),
  open_buy: z.number(),
  open_sell: z.number(),
});
export type StandingRow = z.infer<typeof standingSchema>;

/**
 * What stands now rather than per day. Registered users and where they are in verification: submitted (ever sent
 * documents, or decided), waiting for a decision, approved, rejected (and not resubmitted since); and the orders
 * open on the book by side. Index-only: users by status from users_kyc_status_idx (kyc_status is one of the three),
 * each pending one looked up among the verifications (fewer probes than there are verifications), verifications by
 * status, the open orders from orders_book_idx.
 */
export async function standingCounts(db: CommonQueryMethods): Promise<StandingRow> {
  const withStatus = (status: string) => sql.fragment`(SELECT count(*)::int FROM users WHERE kyc_status = ${status})`;
  return db.one(sql.type(standingSchema)`
    WITH pending AS MATERIALIZED (
      SELECT count(*)::int AS pending, count(*) FILTER (WHERE (SELECT k.id FROM kyc_verifications k WHERE k.user_id = u.id) IS NULL)::int AS never_sent
        FROM users u WHERE u.kyc_status = 'pending'
    ), decided AS MATERIALIZED (
      SELECT ${withStatus('approved')} AS approved, ${withStatus('rejected')} AS rejected
    ), open_orders AS MATERIALIZED (
      SELECT count(*) FILTER (WHERE order_type = 'BUY')::int AS open_buy, count(*) FILTER (WHERE order_type = 'SELL')::int AS open_sell
        FROM orders WHERE status IN ('PENDING', 'PROCESSING')
    )
    SELECT approved + rejected + pending AS registered, approved + rejected + pending - never_sent AS submitted,
           (SELECT count(*)::int FROM kyc_verifications WHERE status IN ('PENDING', 'UNDER_REVIEW')) AS waiting, approved, rejected,
           open_buy, open_sell
      FROM pending, decided, open_orders
  `);
}

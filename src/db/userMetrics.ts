import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export async function insertUserMetrics(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO user_metrics (user_id, updated_at) VALUES (${userId}, now())`);
}

const tradingMetricsSchema = z.object({
  total_trades: z.number(),
  total_volume: z.string(),
  total_profit: z.string(),
  market_position: z.string(),
  market_cost_ghs: z.string(),
  last_trade_at: z.date().nullable(),
});
export type TradingMetricsRow = z.infer<typeof tradingMetricsSchema>;

/** A user's trading metrics, locked for a read-modify-write (the row is created when missing). */
export async function lockTradingMetrics(db: CommonQueryMethods, userId: number): Promise<TradingMetricsRow> {
  await db.query(sql.unsafe`INSERT INTO user_metrics (user_id, updated_at) VALUES (${userId}, now()) ON CONFLICT (user_id) DO NOTHING`);
  return db.one(sql.type(tradingMetricsSchema)`
    SELECT total_trades, total_volume, total_profit, market_position, market_cost_ghs, last_trade_at
      FROM user_metrics WHERE user_id = ${userId} FOR UPDATE
  `);
}

/** Sets a user's trading metrics (after a fill, or the nightly reconciliation's correction); the row exists. */
export async function updateTradingMetrics(db: CommonQueryMethods, userId: number, metrics: TradingMetricsRow): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE user_metrics
       SET total_trades = ${metrics.total_trades}, total_volume = ${metrics.total_volume}, total_profit = ${metrics.total_profit},
           market_position = ${metrics.market_position}, market_cost_ghs = ${metrics.market_cost_ghs},
           last_trade_at = ${metrics.last_trade_at?.toISOString() ?? null}, updated_at = now()
     WHERE user_id = ${userId}
  `);
}

const positionSchema = z.object({ market_position: z.string(), market_cost_ghs: z.string(), total_profit: z.string() });
export type PositionRow = z.infer<typeof positionSchema>;

/** A user's crypto position, locked for a read-modify-write, in one statement (the row is created when missing). */
export async function lockCryptoPosition(db: CommonQueryMethods, userId: number): Promise<PositionRow> {
  // DO UPDATE (of nothing) locks an existing row as an UPDATE would, and returns it either way.
  return db.one(sql.type(positionSchema)`
    INSERT INTO user_metrics (user_id, updated_at) VALUES (${userId}, now())
    ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id
    RETURNING market_position, market_cost_ghs, total_profit
  `);
}

/** Sets a user's crypto position after crypto entered or left their wallet; the row exists (locked). */
export async function updateCryptoPosition(db: CommonQueryMethods, userId: number, position: PositionRow): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE user_metrics
       SET market_position = ${position.market_position}, market_cost_ghs = ${position.market_cost_ghs}, total_profit = ${position.total_profit},
           updated_at = now()
     WHERE user_id = ${userId}
  `);
}

/** Counts a market trade of the user: one more trade, its GHS total in the volume, its time (the row is created when missing). */
export async function countMarketTrade(db: CommonQueryMethods, userId: number, trade: { totalGhs: string; at: Date }): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO user_metrics (user_id, total_trades, total_volume, last_trade_at, updated_at)
    VALUES (${userId}, 1, ${trade.totalGhs}, ${trade.at.toISOString()}, now())
    ON CONFLICT (user_id) DO UPDATE
       SET total_trades = user_metrics.total_trades + 1, total_volume = user_metrics.total_volume + excluded.total_volume,
           last_trade_at = excluded.last_trade_at, updated_at = now()
  `);
}

const storedMetricsSchema = tradingMetricsSchema.extend({ user_id: z.number() });
export type StoredMetricsRow = z.infer<typeof storedMetricsSchema>;

/** Every user's stored trading metrics. */
export async function listTradingMetrics(db: CommonQueryMethods): Promise<readonly StoredMetricsRow[]> {
  return db.any(sql.type(storedMetricsSchema)`
    SELECT user_id, total_trades, total_volume, total_profit, market_position, market_cost_ghs, last_trade_at FROM user_metrics ORDER BY user_id
  `);
}

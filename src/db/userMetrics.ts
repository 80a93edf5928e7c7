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

const storedMetricsSchema = tradingMetricsSchema.extend({ user_id: z.number() });
export type StoredMetricsRow = z.infer<typeof storedMetricsSchema>;

/** Every user's stored trading metrics. */
export async function listTradingMetrics(db: CommonQueryMethods): Promise<readonly StoredMetricsRow[]> {
  return db.any(sql.type(storedMetricsSchema)`
    SELECT user_id, total_trades, total_volume, total_profit, market_position, market_cost_ghs, last_trade_at FROM user_metrics ORDER BY user_id
  `);
}

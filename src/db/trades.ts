import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const tradeRowSchema = z.object({
  id: z.number(),
  order_id: z.number(),
  resting_order_id: z.number(),
  buyer_id: z.number(),
  seller_id: z.number(),
  amount: z.string(),
  price: z.string(),
  total: z.string(),
  fee_ghs: z.string(),
  created_at: z.date(),
});
const tradeColumns = columnsOf(tradeRowSchema);
export type TradeRow = z.infer<typeof tradeRowSchema>;

export interface NewTrade {
  /** The orders' pair (both orders have it). */
  pair: string;
  incomingOrderId: number;
  restingOrderId: number;
  buyerId: number;
  sellerId: number;
  amount: string;
  price: string;
  total: string;
  feeGhs: string;
  createdAt: Date;
}

export async function insertTrade(db: CommonQueryMethods, trade: NewTrade): Promise<TradeRow> {
  return db.one(sql.type(tradeRowSchema)`
    INSERT INTO trades (currency_pair, order_id, resting_order_id, buyer_id, seller_id, amount, price, total, fee_ghs, created_at)
    VALUES (${trade.pair}, ${trade.incomingOrderId}, ${trade.restingOrderId}, ${trade.buyerId}, ${trade.sellerId}, ${trade.amount},
            ${trade.price}, ${trade.total}, ${trade.feeGhs}, ${trade.createdAt.toISOString()})
    RETURNING ${tradeColumns}
  `);
}

const fillTotalsSchema = z.object({ amount: z.string(), value: z.string(), total: z.string(), fee: z.string() });
export type FillTotals = z.infer<typeof fillTotalsSchema>;

/** What an order has traded, as incoming or resting side: amount, exact value (Σ amount × price), GHS total and fees. */
export async function fillTotalsOfOrder(db: CommonQueryMethods, orderId: number): Promise<FillTotals> {
  return db.one(sql.type(fillTotalsSchema)`
    SELECT coalesce(sum(amount), 0) AS amount, coalesce(sum(amount * price), 0) AS value,
           coalesce(sum(total), 0) AS total, coalesce(sum(fee_ghs), 0) AS fee
      FROM trades WHERE order_id = ${orderId} OR resting_order_id = ${orderId}
  `);
}

const statsSchema = z.object({
  last_price: z.string().nullable(),
  last_trade_at: z.date().nullable(),
  opening_price: z.string().nullable(),
  volume: z.string(),
  volume_ghs: z.string(),
  trades: z.number(),
});
export type TradeStats = z.infer<typeof statsSchema>;

/**
 * The pair's last trade, and since `since`: volume (crypto and GHS), trade count, and the opening price (the
 * last trade before `since`, or else the first one after it) that the change is measured from. Every part reads
 * trades_pair_created_at_idx only: one entry each for the prices, the period's entries once for its sums.
 */
export async function tradeStats(db: CommonQueryMethods, pair: string, since: Date): Promise<TradeStats> {
  const from = since.toISOString();
  const ofPair = sql.fragment`FROM trades WHERE currency_pair = ${pair}`;
  return db.one(sql.type(statsSchema)`
    SELECT last.price AS last_price, last.created_at AS last_trade_at,
           coalesce(
             (SELECT price ${ofPair} AND created_at < ${from} ORDER BY created_at DESC, id DESC LIMIT 1),
             (SELECT price ${ofPair} AND created_at >= ${from} ORDER BY created_at, id LIMIT 1)
           ) AS opening_price,
           period.volume, period.volume_ghs, period.trades
      FROM (SELECT coalesce(sum(amount), 0) AS volume, coalesce(sum(total), 0) AS volume_ghs, count(*)::int AS trades
              ${ofPair} AND created_at >= ${from}) period
      LEFT JOIN LATERAL (SELECT price, created_at ${ofPair} ORDER BY created_at DESC, id DESC LIMIT 1) last ON true
  `);
}

/** Every trade, or those of one user (as buyer or seller), in the order they were settled. */
export async function tradesInSettlementOrder(db: CommonQueryMethods, userId?: number): Promise<readonly TradeRow[]> {
  const ofUser = userId === undefined ? sql.fragment`TRUE` : sql.fragment`buyer_id = ${userId} OR seller_id = ${userId}`;
  return db.any(sql.type(tradeRowSchema)`SELECT ${tradeColumns} FROM trades WHERE ${ofUser} ORDER BY id`);
}

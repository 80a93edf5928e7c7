import type { DatabasePool } from 'slonik';
import { tradesInSettlementOrder, type TradeRow } from '../../db/trades.ts';
import { listTradingMetrics, lockTradingMetrics, updateTradingMetrics, type TradingMetricsRow } from '../../db/userMetrics.ts';
import { Big, CRYPTO_DECIMALS } from '../common/amounts.ts';
import { afterBuy, afterSell, type Position } from '../market/averageCost.ts';

export type MetricField = keyof TradingMetricsRow;

/** A user whose stored metrics differed from their trades, and what was stored before and after. */
export interface MetricsDrift {
  userId: number;
  changes: readonly { field: MetricField; stored: string; recomputed: string }[];
}

export interface ReconciliationResult {
  /** Users whose metrics were compared with their trades. */
  checked: number;
  /** Those found wrong, and corrected. */
  corrected: readonly MetricsDrift[];
}

export interface MetricsReconciliation {
  /** Recomputes every user's user_metrics from their trades and corrects those that drifted. */
  reconcile(): Promise<ReconciliationResult>;
}

const EMPTY: TradingMetricsRow = {
  total_trades: 0,
  total_volume: '0',
  total_profit: '0',
  market_position: '0',
  market_cost_ghs: '0',
  last_trade_at: null,
};

const places = (value: string) => new Big(value).toFixed(CRYPTO_DECIMALS);

/** A user's metrics as their fills make them, replaying them in settlement order as the market does (settlement.ts). */
function replay(userId: number, trades: readonly TradeRow[]): TradingMetricsRow {
  let metrics = EMPTY;
  for (const trade of trades) {
    const side = trade.buyer_id === userId ? 'BUY' : trade.seller_id === userId ? 'SELL' : null;
    if (!side) continue;
    const before: Position = { position: metrics.market_position, cost: metrics.market_cost_ghs, profit: metrics.total_profit };
    const after = side === 'BUY' ? afterBuy(before, trade.amount, trade.total) : afterSell(before, trade.amount, new Big(trade.total).minus(trade.fee_ghs).toString());
    metrics = {
      total_trades: metrics.total_trades + 1,
      total_volume: places(new Big(metrics.total_volume).plus(trade.total).toString()),
      total_profit: after.profit,
      market_position: after.position,
      market_cost_ghs: after.cost,
      last_trade_at: trade.created_at,
    };
  }
  return metrics;
}

/** The fields where `stored` differs from `recomputed`, compared as numbers and instants. */
function differences(stored: TradingMetricsRow, recomputed: TradingMetricsRow): MetricsDrift['changes'] {
  const text = (row: TradingMetricsRow, field: MetricField): string => {
    const value = row[field];
    if (value === null) return 'none';
    if (value instanceof Date) return value.toISOString();
    return typeof value === 'number' ? String(value) : places(value);
  };
  const fields: readonly MetricField[] = ['total_trades', 'total_volume', 'total_profit', 'market_position', 'market_cost_ghs', 'last_trade_at'];
  return fields.flatMap((field) => {
    const [before, after] = [text(stored, field), text(recomputed, field)];
    return before === after ? [] : [{ field, stored: before, recomputed: after }];
  });
}

/**
 * The nightly check of user_metrics against the trades they summarise. Everything is compared from one read;
 * a user who looks wrong is recomputed again with their metrics row locked (a fill locks it too, so a trade
 * settling meanwhile is either wholly in the recomputation or applied after it) and only then corrected.
 */
export function createMetricsReconciliation(deps: { pool: DatabasePool }): MetricsReconciliation {
  const { pool } = deps;

  async function correct(userId: number): Promise<MetricsDrift | null> {
    return pool.transaction(async (tx) => {
      const stored = await lockTradingMetrics(tx, userId);
      const recomputed = replay(userId, await tradesInSettlementOrder(tx, userId));
      const changes = differences(stored, recomputed);
      if (changes.length === 0) return null;
      await updateTradingMetrics(tx, userId, recomputed);
      return { userId, changes };
    });
  }

  return {
    async reconcile() {
      const [stored, trades] = await Promise.all([listTradingMetrics(pool), tradesInSettlementOrder(pool)]);
      const tradesByUser = new Map<number, TradeRow[]>();
      for (const trade of trades) {
        for (const userId of [trade.buyer_id, trade.seller_id]) {
          const ofUser = tradesByUser.get(userId);
          if (ofUser) ofUser.push(trade);
          else tradesByUser.set(userId, [trade]);
        }
      }
      const storedByUser = new Map(stored.map((row) => [row.user_id, row]));
      const users = [...new Set([...storedByUser.keys(), ...tradesByUser.keys()])].sort((a, b) => a - b);
      const suspects = users.filter((userId) => differences(storedByUser.get(userId) ?? EMPTY, replay(userId, tradesByUser.get(userId) ?? [])).length > 0);
      const corrected: MetricsDrift[] = [];
      for (const userId of suspects) {
        const drift = await correct(userId);
        if (drift) corrected.push(drift);
      }
      return { checked: users.length, corrected };
    },
  };
}

import type { DatabasePool } from 'slonik';
import { cryptoMovementRows, type MovementLedgerRow } from '../../db/readModels/cryptoMovements.ts';
import { tradesInSettlementOrder, type TradeRow } from '../../db/trades.ts';
import { listTradingMetrics, lockTradingMetrics, updateTradingMetrics, type TradingMetricsRow } from '../../db/userMetrics.ts';
import { Big, CRYPTO_DECIMALS } from '../common/amounts.ts';
import { afterCryptoMovement, NO_POSITION, type Position } from '../wallet/averageCost.ts';

export type MetricField = keyof TradingMetricsRow;

/** A user whose stored metrics differed from the trades and the ledger, and what was stored before and after. */
export interface MetricsDrift {
  userId: number;
  changes: readonly { field: MetricField; stored: string; recomputed: string }[];
}

export interface ReconciliationResult {
  /** Users whose metrics were compared with their trades and ledger. */
  checked: number;
  /** Those found wrong, and corrected. */
  corrected: readonly MetricsDrift[];
}

export interface MetricsReconciliation {
  /** Recomputes every user's user_metrics from their trades and their wallet's ledger, and corrects those that drifted. */
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

/** Crypto that entered (> 0) or left the wallet in one movement, and what it cost or brought (null: no price). */
interface CryptoMovement {
  crypto: string;
  valueGhs: string | null;
}

/**
 * A user's movements from their ledger rows (in the order written): the rows one balance change wrote share their
 * reason and reference and touch each balance once. What the crypto was worth is read from the same movement:
 * the cedis that left the wallet for it or came in for it, or, for a desk buy paid by momo or bank, its price.
 */
function cryptoMovements(rows: readonly MovementLedgerRow[]): CryptoMovement[] {
  const groups: MovementLedgerRow[][] = [];
  for (const row of rows) {
    const group = groups.at(-1);
    const first = group?.[0];
    const same =
      group && first && first.reason === row.reason && first.reference_kind === row.reference_kind && first.reference_id === row.reference_id &&
      !group.some((entry) => entry.account === row.account);
    if (same) group.push(row);
    else groups.push([row]);
  }
  return groups.flatMap((group) => {
    const sum = (accounts: readonly string[]) => group.filter((row) => accounts.includes(row.account)).reduce((total, row) => total.plus(row.amount), new Big(0));
    const crypto = sum(['crypto_available', 'crypto_reserved']);
    const cedis = sum(['cedis_available', 'cedis_reserved']);
    if (crypto.eq(0)) return [];
    const paidOutside = group.find((row) => row.paid_outside_ghs !== null)?.paid_outside_ghs ?? null;
    const valueGhs = crypto.gt(0) ? (cedis.lt(0) ? cedis.neg().toFixed() : paidOutside) : cedis.gt(0) ? cedis.toFixed() : null;
    return [{ crypto: crypto.toFixed(), valueGhs }];
  });
}

/**
 * A user's metrics recomputed on their own: the counts from their market trades, the position and profit from every
 * crypto movement in their wallet's ledger (not from what the fills and decisions recorded as they went).
 */
function recompute(userId: number, trades: readonly TradeRow[], ledgerRows: readonly MovementLedgerRow[]): TradingMetricsRow {
  const ofUser = trades.filter((trade) => trade.buyer_id === userId || trade.seller_id === userId);
  const position = cryptoMovements(ledgerRows).reduce<Position>((before, movement) => afterCryptoMovement(before, movement.crypto, movement.valueGhs), NO_POSITION);
  return {
    total_trades: ofUser.length,
    total_volume: places(ofUser.reduce((total, trade) => total.plus(trade.total), new Big(0)).toFixed()),
    total_profit: places(position.profit),
    market_position: places(position.position),
    market_cost_ghs: places(position.cost),
    last_trade_at: ofUser.at(-1)?.created_at ?? null,
  };
}

function groupBy<T>(items: readonly T[], keysOf: (item: T) => readonly number[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    for (const key of new Set(keysOf(item))) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
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
 * The nightly check of user_metrics against the trades and the ledger they summarise. Everything is compared from one
 * read; a user who looks wrong is recomputed again with their metrics row locked (a fill or a decision locks it too,
 * so one settling meanwhile is either wholly in the recomputation or applied after it) and only then corrected.
 */
export function createMetricsReconciliation(deps: { pool: DatabasePool }): MetricsReconciliation {
  const { pool } = deps;

  async function correct(userId: number): Promise<MetricsDrift | null> {
    return pool.transaction(async (tx) => {
      const stored = await lockTradingMetrics(tx, userId);
      const recomputed = recompute(userId, await tradesInSettlementOrder(tx, userId), await cryptoMovementRows(tx, userId));
      const changes = differences(stored, recomputed);
      if (changes.length === 0) return null;
      await updateTradingMetrics(tx, userId, recomputed);
      return { userId, changes };
    });
  }

  return {
    async reconcile() {
      const [stored, trades, ledgerRows] = await Promise.all([listTradingMetrics(pool), tradesInSettlementOrder(pool), cryptoMovementRows(pool)]);
      const tradesByUser = groupBy(trades, (trade) => [trade.buyer_id, trade.seller_id]);
      const rowsByUser = groupBy(ledgerRows, (row) => [row.user_id]);
      const storedByUser = new Map(stored.map((row) => [row.user_id, row]));
      const users = [...new Set([...storedByUser.keys(), ...tradesByUser.keys(), ...rowsByUser.keys()])].sort((a, b) => a - b);
      const suspects = users.filter(
        (userId) => differences(storedByUser.get(userId) ?? EMPTY, recompute(userId, tradesByUser.get(userId) ?? [], rowsByUser.get(userId) ?? [])).length > 0,
      );
      const corrected: MetricsDrift[] = [];
      for (const userId of suspects) {
        const drift = await correct(userId);
        if (drift) corrected.push(drift);
      }
      return { checked: users.length, corrected };
    },
  };
}

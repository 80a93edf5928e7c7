// Benchmark 3: orders placed and matched per second against a book of 10,000 resting orders, by one placer and
// by ten at once; beside single-row UPDATE transactions per second on the same database and pool.
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import type { DatabasePool } from '../src/db/setup/pool.ts';
import type { AppServices } from '../src/modules.ts';
import { newReference } from '../src/services/common/references.ts';
import { BENCH_ADMIN, fund, seedVerifiedUsers, singleRowUpdatesPerSecond, startBenchDatabase, timed } from './support/database.ts';

const RESTING_PER_SIDE = 5000;
const MAKERS_PER_SIDE = 50;
const TAKERS = 10;
/** Incoming orders per run; each fills half of one resting order, so the book stays near 10,000. */
const INCOMING = 300;

export interface MatchingFigures {
  restingOrders: number;
  onePlacerPerSecond: number;
  tenPlacersPerSecond: number;
  updatesPerSecond: number;
}

async function place(services: AppServices, userId: number, side: 'BUY' | 'SELL', amount: string, price: string): Promise<void> {
  const result = await services.market.place({ userId, side, amount, price, reference: newReference('MKT') });
  if (result.status !== 'placed') throw new Error(`place ${side} ${amount} @ ${price}: ${JSON.stringify(result)}`);
}

/**
 * Asks 15.01–16.00 and bids 14.00–14.99, 50 orders of 2 USDT at each price (nothing crosses), written in bulk as
 * placing them would leave them: each maker's whole balance reserved, with its ledger rows.
 */
async function seedBook(pool: DatabasePool, sellers: readonly number[], buyers: readonly number[]): Promise<void> {
  await pool.transaction(async (tx) => {
    const levels = RESTING_PER_SIDE / MAKERS_PER_SIDE;
    for (const [side, makers, base] of [['SELL', sellers, 15.01], ['BUY', buyers, 14]] as const) {
      await tx.query(sql.unsafe`
        INSERT INTO orders (user_id, order_type, currency_pair, amount, price, total, status, reference, reserved_cedis, reserved_crypto,
                            fee_percent, expires_at, created_at, updated_at)
        SELECT maker, ${side}, 'USDT/GHS', 2, ${base} + level / 100.0, 2 * (${base} + level / 100.0), 'PENDING',
               'MKT-BENCH-' || ${side} || '-' || maker || '-' || level,
               CASE WHEN ${side} = 'BUY' THEN 2 * (${base} + level / 100.0) ELSE 0 END, CASE WHEN ${side} = 'SELL' THEN 2 ELSE 0 END,
               (SELECT escrow_percent FROM settings), now() + interval '30 days', now() + level * interval '1 ms', now()
          FROM unnest(${sql.array(makers, 'int8')}) AS maker, generate_series(0, ${levels - 1}) AS level`);
      const [available, reserved] = side === 'SELL' ? ['crypto_available', 'crypto_reserved'] : ['cedis_available', 'cedis_reserved'];
      await tx.query(sql.unsafe`
        WITH reserve AS (
          SELECT user_id, sum(reserved_cedis + reserved_crypto) AS amount, min(id) AS first_order FROM orders
           WHERE order_type = ${side} AND user_id = ANY(${sql.array(makers, 'int8')}) GROUP BY user_id
        ), moved AS (
          UPDATE wallets w SET
            balance_crypto = balance_crypto - CASE WHEN ${side} = 'SELL' THEN r.amount ELSE 0 END,
            escrow_crypto = escrow_crypto + CASE WHEN ${side} = 'SELL' THEN r.amount ELSE 0 END,
            balance_cedis = balance_cedis - CASE WHEN ${side} = 'BUY' THEN r.amount ELSE 0 END,
            escrow_balance = escrow_balance + CASE WHEN ${side} = 'BUY' THEN r.amount ELSE 0 END
            FROM reserve r WHERE w.user_id = r.user_id
          RETURNING w.id, w.balance_crypto, w.escrow_crypto, w.balance_cedis, w.escrow_balance, r.amount, r.first_order
        )
        INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id)
        SELECT id, ${available}, -amount, CASE WHEN ${side} = 'SELL' THEN balance_crypto ELSE balance_cedis END, 'market_reserved', 'market_order', first_order FROM moved
        UNION ALL
        SELECT id, ${reserved}, amount, CASE WHEN ${side} = 'SELL' THEN escrow_crypto ELSE escrow_balance END, 'market_reserved', 'market_order', first_order FROM moved`);
    }
  });
}

export async function benchMatching(log: (line: string) => void): Promise<MatchingFigures> {
  const bench = await startBenchDatabase();
  try {
    const { services, pool } = bench;
    await pool.query(sql.unsafe`UPDATE settings SET live_rate_source = 'manual'`);
    const priced = await services.rates.setManualPrice('15.20', BENCH_ADMIN);
    if (!priced.ok) throw new Error(priced.reason);
    const [sellers, buyers, takers] = [
      await seedVerifiedUsers(bench, MAKERS_PER_SIDE, 7_000_000),
      await seedVerifiedUsers(bench, MAKERS_PER_SIDE, 7_100_000),
      await seedVerifiedUsers(bench, TAKERS, 7_200_000),
    ];
    for (const seller of sellers) await fund(services, seller, { crypto: '200' });
    for (const buyer of buyers) await fund(services, buyer, { cedis: '3000' });
    for (const taker of takers) await fund(services, taker, { cedis: '5000', crypto: '150' });

    await seedBook(pool, sellers, buyers);
    const [{ resting }] = (await pool.any(sql.unsafe`SELECT count(*)::int AS resting FROM orders WHERE status IN ('PENDING', 'PROCESSING')`)) as [{ resting: number }];
    log(`book of ${resting} resting orders`);

    // Alternately a buy at 16.00 and a sell at 14.00 of 1 USDT: each fills at the best resting price.
    const incoming = (index: number) => {
      const taker = takers[Math.floor(index / 2) % TAKERS] ?? 0;
      return index % 2 === 0 ? place(services, taker, 'BUY', '1', '16.00') : place(services, taker, 'SELL', '1', '14.00');
    };
    const oneMs = await timed(INCOMING, 1, incoming);
    const tenMs = await timed(INCOMING, 10, (index) => incoming(index + INCOMING));
    const [{ trades }] = (await pool.any(sql.unsafe`SELECT count(*)::int AS trades FROM trades`)) as [{ trades: number }];
    if (trades !== 2 * INCOMING) throw new Error(`expected ${2 * INCOMING} trades, found ${trades}`);
    const figures = {
      restingOrders: resting,
      onePlacerPerSecond: (INCOMING / oneMs) * 1000,
      tenPlacersPerSecond: (INCOMING / tenMs) * 1000,
      updatesPerSecond: await singleRowUpdatesPerSecond(bench, takers),
    };
    log(`matched: ${figures.onePlacerPerSecond.toFixed(0)}/s by one placer, ${figures.tenPlacersPerSecond.toFixed(0)}/s by ten`);
    return figures;
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchMatching((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}

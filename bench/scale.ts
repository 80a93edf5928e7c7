// Benchmark 5: the hot queries at the schema document's scale (10k users, 100k crypto transactions, 50k gift card
// orders, 200k orders, 150k trades, 500k notifications, 1M analytics events): p50/p99 of each through the product's
// own code, beside a SELECT 1 round trip on the same pool; and the EXPLAIN of every statement each one runs.
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { z } from 'zod';
import { PENDING_SHOWN } from '../src/features/approvals/pendingCommand.ts';
import type { AppServices } from '../src/modules.ts';
import { startBenchDatabase, type BenchDatabase } from './support/database.ts';
import { explainAll, statementRecorder, type StatementRecorder } from './support/explain.ts';
import { seedAtScale } from './support/scaleSeed.ts';
import { SCALE } from './support/scaleShape.ts';

const CALLS = 300;
const WARM_UP = 20;
/** A table is big above this many rows: a Seq Scan of one is a missing index. */
export const BIG_TABLE_ROWS = 10_000;

export interface Latency {
  p50: number;
  p99: number;
}

export interface HotQuery {
  name: string;
  /** The product's code path measured. */
  call: string;
  latency: Latency;
  statements: number;
  indexes: readonly string[];
  /** Big tables read by a Seq Scan. */
  bigSeqScans: readonly string[];
}

export interface ScaleFigures {
  seedSeconds: number;
  rows: Readonly<Record<string, number>>;
  baseline: Latency;
  queries: readonly HotQuery[];
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * fraction) - 1)] ?? Number.NaN;
}

/** Runs `work(index)` WARM_UP times, then CALLS times one after another, timing each call. */
async function latency(work: (index: number) => Promise<unknown>): Promise<Latency> {
  for (let index = 0; index < WARM_UP; index += 1) await work(CALLS + index);
  const times: number[] = [];
  for (let index = 0; index < CALLS; index += 1) {
    const started = performance.now();
    await work(index);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

interface Probe {
  name: string;
  call: string;
  work: (index: number) => Promise<unknown>;
  /** The calls whose statements are explained (for a user's query, a heavy user's and an ordinary one's). */
  explained: readonly number[];
}

function probes(services: AppServices, verified: readonly number[], everyone: readonly number[]): Probe[] {
  // One call in twenty is a heavy user's (they are that share of the traffic too); the others spread over everyone.
  const userOf = (users: readonly number[], index: number) =>
    index % 20 === 0 ? 1 + ((index / 20) % SCALE.heavyUsers) : (users[(index * 7919) % users.length] ?? 1);
  const ordinary = 1;
  return [
    {
      name: "a user's history page",
      call: 'services.history.page',
      // Mostly the first page, one in ten a later one.
      work: (index) => services.history.page(userOf(verified, index), index % 10 === 9 ? 1 + (index % 3) : 0),
      explained: [0, ordinary],
    },
    {
      name: "a user's unread count (the main menu's badge)",
      call: 'services.notifications.inbox.unreadCount',
      work: (index) => services.notifications.inbox.unreadCount(userOf(everyone, index)),
      explained: [0, ordinary],
    },
    {
      name: "a user's notifications, unread first",
      call: 'services.notifications.inbox.page',
      work: (index) => services.notifications.inbox.page(userOf(everyone, index), index % 10 === 9 ? 1 + (index % 3) : 0),
      explained: [0, ordinary],
    },
    {
      name: 'the admin pending queue (/pending)',
      call: `services.approvals.queueSummary(${PENDING_SHOWN}) + withFacts(its oldest)`,
      work: async () => services.approvals.withFacts((await services.approvals.queueSummary(PENDING_SHOWN)).oldest),
      explained: [0],
    },
    { name: 'the market book and last 24 h', call: 'services.market.overview', work: () => services.market.overview(), explained: [0] },
    {
      name: 'the admin /stats figures and chart',
      call: 'services.analytics.stats.snapshot',
      work: () => services.analytics.stats.snapshot(new Date()),
      explained: [0],
    },
  ];
}

const isQuery = (text: string) => /^\s*(SELECT|WITH|UPDATE|INSERT|DELETE)\b/i.test(text);

/** The hot queries measured and explained against a filled database. */
export async function measureHotQueries(
  bench: Pick<BenchDatabase, 'url' | 'pool' | 'services'>,
  recorder: StatementRecorder,
  log: (line: string) => void,
): Promise<Omit<ScaleFigures, 'seedSeconds'>> {
  const { pool } = bench;
  const tables = await pool.any(sql.type(z.object({ name: z.string(), rows: z.number() }))`
    SELECT relname::text AS name, reltuples::bigint AS rows FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY reltuples DESC`);
  const rows = Object.fromEntries(tables.map((table) => [table.name, table.rows]));
  const big = new Set(Object.keys(rows).filter((name) => (rows[name] ?? 0) > BIG_TABLE_ROWS));
  const ids = sql.type(z.object({ id: z.number() }));
  const verified = await pool.anyFirst(ids`SELECT id FROM users WHERE kyc_status = 'approved' AND is_active ORDER BY id`);
  const everyone = await pool.anyFirst(ids`SELECT id FROM users ORDER BY id`);

  const baseline = await latency(() => pool.query(sql.unsafe`SELECT 1`));
  log(`SELECT 1: p50 ${baseline.p50.toFixed(2)} ms, p99 ${baseline.p99.toFixed(2)} ms`);
  const queries: HotQuery[] = [];
  for (const probe of probes(bench.services, verified, everyone)) {
    const measured = await latency(probe.work);
    const statements = [];
    for (const index of probe.explained) statements.push(...(await recorder.record(() => probe.work(index))));
    const explained = statements.filter((statement) => isQuery(statement.sql));
    const plan = await explainAll(bench.url, explained);
    const hot: HotQuery = {
      name: probe.name,
      call: probe.call,
      latency: measured,
      statements: explained.length / probe.explained.length,
      indexes: [...plan.indexes].sort(),
      bigSeqScans: [...plan.seqScans].filter((table) => big.has(table)).sort(),
    };
    log(
      `${hot.name}: p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(2)} ms; ${hot.statements} statements; ` +
        `indexes ${hot.indexes.join(', ') || 'none'}; Seq Scan of big tables: ${hot.bigSeqScans.join(', ') || 'none'}`,
    );
    queries.push(hot);
  }
  return { rows, baseline, queries };
}

export async function benchScale(log: (line: string) => void): Promise<ScaleFigures> {
  const recorder = statementRecorder();
  const bench = await startBenchDatabase({ interceptors: [recorder.interceptor] });
  try {
    const seedStarted = performance.now();
    await seedAtScale(bench.pool, log);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    return { seedSeconds, ...(await measureHotQueries(bench, recorder, log)) };
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchScale((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'slonik';
import { startEmbeddedDatabase } from '../../src/db/setup/embedded.ts';
import { runMigrations } from '../../src/db/setup/migrations.ts';
import { createDatabasePool, type DatabasePool, type PoolOptions } from '../../src/db/setup/pool.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices, type AppServices } from '../../src/modules.ts';
import { hashPin } from '../../src/services/accounts/pin.ts';
import { createRegistrationService } from '../../src/services/accounts/registration.ts';
import { newReference } from '../../src/services/common/references.ts';

/** The admin who decides requests and sets prices (in ADMIN_IDS, not a registered user). */
export const BENCH_ADMIN = { id: 990_001, first_name: 'Bench admin' } as const;

/** A fresh embedded PostgreSQL with the product's schema, and the product's services on the pool. */
export interface BenchDatabase {
  url: string;
  dataDir: string;
  pool: DatabasePool;
  services: AppServices;
  stop(): Promise<void>;
}

export async function startBenchDatabase(options: PoolOptions = {}): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-'));
  const logger = createLogger('warn');
  const database = await startEmbeddedDatabase(dataDir, logger);
  await runMigrations(database.url, logger);
  const pool = await createDatabasePool(database.url, options);
  const services = createServices({
    pool,
    config: {
      adminIds: [BENCH_ADMIN.id],
      dataDir,
      cryptoAsset: 'USDT',
      stateSecret: 'bench-state-secret-0123456789abcdef',
      rateSources: { coinmarketcapUrl: 'http://127.0.0.1:9', coinmarketcapApiKey: undefined, coingeckoUrl: 'http://127.0.0.1:9' },
    },
    logger,
  });
  return {
    url: database.url,
    dataDir,
    pool,
    services,
    stop: async () => {
      await pool.end();
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers `count` users (telegram ids from `firstTelegramId`) with approved KYC; returns their user ids. */
export async function seedVerifiedUsers(bench: BenchDatabase, count: number, firstTelegramId: number): Promise<number[]> {
  const registration = createRegistrationService({ pool: bench.pool, adminIds: [] });
  const pinHash = await hashPin('739164');
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const result = await registration.register({
      telegramId: firstTelegramId + index,
      telegramUsername: undefined,
      languageCode: 'en',
      email: `bench${firstTelegramId + index}@example.com`,
      phone: '+233241234567',
      firstName: `User${index}`,
      lastName: 'Bench',
      pinHash,
    });
    if (result.status !== 'registered') throw new Error(`register: ${result.status}`);
    ids.push(result.user.id);
  }
  await bench.pool.query(sql.unsafe`UPDATE users SET kyc_status = 'approved' WHERE telegram_id >= ${firstTelegramId} AND telegram_id < ${firstTelegramId + count}`);
  return ids;
}

/** Money in a wallet the way users get it: approved deposits (cedis) and approved buys (crypto). */
export async function fund(services: AppServices, userId: number, amounts: { cedis?: string; crypto?: string }): Promise<void> {
  const approve = async (kind: string, id: number) => {
    const decision = await services.approvals.decide({ kind, id, action: 'approve', from: BENCH_ADMIN });
    if (decision.outcome !== 'applied') throw new Error(`approve ${kind} ${id}: ${decision.outcome}`);
  };
  if (amounts.cedis) {
    const deposit = await services.wallet.createDeposit({ userId, amount: amounts.cedis, method: 'momo', reference: newReference('DEP'), proof: null });
    if (deposit.status !== 'created') throw new Error(`deposit: ${deposit.status}`);
    await approve('deposit', deposit.id);
  }
  if (amounts.crypto) {
    const quoted = await services.quotes.quote('buy', { currency: 'CRYPTO', amount: amounts.crypto });
    if (quoted.status !== 'ok') throw new Error(`quote: ${quoted.status}`);
    const buy = await services.trading.createBuy({ userId, quote: quoted.quote, method: 'momo', reference: newReference('BUY'), proof: null });
    if (buy.status !== 'created') throw new Error(`buy: ${buy.status}`);
    await approve('buy', buy.id);
  }
}

/** Runs `work(index)` for indexes 0..count-1 with `concurrency` workers; returns the elapsed milliseconds. */
export async function timed(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < count; index = next++) await work(index);
    }),
  );
  return performance.now() - started;
}

/** `count` one-row UPDATE transactions, 10 at a time, on the bench's pool (from user `first` on); the elapsed ms. */
export async function singleRowUpdatesMs(bench: BenchDatabase, userIds: readonly number[], count: number, first = 0): Promise<number> {
  return timed(count, 10, async (index) => {
    await bench.pool.transaction((tx) => tx.query(sql.unsafe`UPDATE wallets SET updated_at = now() WHERE user_id = ${userIds[(first + index) % userIds.length] ?? 0}`));
  });
}

/** The baseline of the database benchmarks: 1,000 one-row UPDATE transactions, 10 at a time, on the same pool. */
export async function singleRowUpdatesPerSecond(bench: BenchDatabase, userIds: readonly number[]): Promise<number> {
  const count = 1000;
  return (count / (await singleRowUpdatesMs(bench, userIds, count))) * 1000;
}

// Benchmark 1: the real bot (its own process, real PostgreSQL) handles 10,000 updates from 1,000 users through
// the fake Bot API, against a bare grammY echo bot (same runner and sequentialize) through the same server.
// Run: npm run bench -- updates   (BENCH_PROFILE=1 writes a CPU profile of the bot to bench/profiles/; BENCH_NODE_FLAGS
// passes flags to the bot's node, e.g. "--max-semi-space-size=8")
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDatabase } from '../src/db/setup/embedded.ts';
import { runMigrations } from '../src/db/setup/migrations.ts';
import { createDatabasePool } from '../src/db/setup/pool.ts';
import { createLogger } from '../src/logger.ts';
import { hashPin } from '../src/services/accounts/pin.ts';
import { createRegistrationService } from '../src/services/accounts/registration.ts';
import { ADMIN_CHAT_ID } from '../test/support/bot.ts';
import { TELEGRAM_RATE_LIMITS } from '../src/sandbox/botApi/rateLimits.ts';
import { FakeTelegram, type TestUser } from '../test/support/fakeTelegram/index.ts';
import { botNodeArgs } from '../test/support/npmStart.ts';
import { startNode, type BenchProcess } from './support/processes.ts';
import { callText, driveUsers, percentile, type LoadResult, type Step } from './support/updateLoad.ts';

// BENCH_USERS: fewer users for a quick look (with BENCH_DEBUG); the figures are measured with 1,000.
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const sends = (text: string, expected: string): Step => ({
  act: async (user) => {
    await user.send(text);
    return undefined;
  },
  done: (call) => call.method !== 'getUpdates' && callText(call).includes(expected),
});

const taps = (onMessage: string, button: (label: string) => boolean, expected: string): Step => ({
  act: (user, tg) => {
    const message = [...tg.messages(user.id)].reverse().find((candidate) => (candidate.text ?? candidate.caption ?? '').includes(onMessage));
    if (!message) throw new Error(`no message "${onMessage}" for user ${user.id}`);
    return user.tap(message, (candidate) => button(candidate.text));
  },
  done: (call) => call.method !== 'answerCallbackQuery' && callText(call).includes(expected),
});

/** Ten updates a user: the main menu, the wallet, tutorials browsing and a deposit conversation's steps. */
const ALL_PRODUCT_STEPS: readonly Step[] = [
  sends('/start', 'Welcome back'),
  sends('/wallet', 'Your wallet'),
  sends('/tutorials', 'Pick a category'),
  taps('Pick a category', (label) => label.startsWith('🚀 Getting started'), 'Tap a tutorial to read it'),
  taps('Tap a tutorial to read it', (label) => !label.startsWith('⬅️'), 'Mark as completed'),
  sends('/deposit', 'How will you send the cedis?'),
  taps('How will you send the cedis?', (label) => label === '📱 Mobile money', 'How much will you deposit?'),
  sends('250', 'Pay exactly'),
  sends('/cancel', 'Cancelled'),
  sends('/help', 'What I can do'),
];

/**
 * `BENCH_STEPS=5,6,7,8 node bench/updates.ts` measures some of the steps alone (their positions from 0, in that
 * order, each user doing them in turn): the CPU of a kind of update, in the throughput run only (`npm run bench`
 * refuses it, so BENCHMARKS.md always holds the whole mix).
 */
const ONLY_STEPS = process.env.BENCH_STEPS?.split(',').map((position) => {
  const step = /^\d+$/.test(position) ? ALL_PRODUCT_STEPS[Number(position)] : undefined;
  if (!step) throw new Error(`BENCH_STEPS: no step ${position} (0 to ${ALL_PRODUCT_STEPS.length - 1})`);
  return step;
});
const PRODUCT_STEPS: readonly Step[] = ONLY_STEPS ?? ALL_PRODUCT_STEPS;

/** The same number of updates for the echo bot: ten messages, each echoed. */
const ECHO_STEPS: readonly Step[] = Array.from({ length: PRODUCT_STEPS.length }, (_, index) => sends(`hello ${index}`, `echo: hello ${index}`));

/** CPU seconds in user space and in the kernel a process has used so far (Linux /proc), 0 once it is gone. */
function cpuTimesOf(pid: number | undefined): { user: number; system: number } {
  try {
    const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU seconds (user + system) a process has used so far, 0 once it is gone. */
function cpuSecondsOf(pid: number | undefined): number {
  const { user, system } = cpuTimesOf(pid);
  return user + system;
}

/** CPU seconds used so far by every postgres process on the machine (other sessions' included). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSecondsOf(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export interface UpdateFigures {
  /** cpuMsPerUpdate: the process's own CPU time (user + system) over the throughput run, per update. */
  baseline: { updatesPerSecond: number; p50: number; p99: number; cpuMsPerUpdate: number };
  bot: { updatesPerSecond: number; p50: number; p99: number; cpuMsPerUpdate: number; peakRssMb: number };
  atHalfBaselineRate: { rate: number; p50: number; p99: number };
  atHalfOwnRate: { rate: number; p50: number; p99: number };
}

function summary(result: LoadResult) {
  return { updatesPerSecond: (result.updates / result.elapsedMs) * 1000, p50: percentile(result.latenciesMs, 50), p99: percentile(result.latenciesMs, 99) };
}

export async function benchUpdates(log: (line: string) => void): Promise<UpdateFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-updates-'));
  const logger = createLogger('warn');
  const database = await startEmbeddedDatabase(dataDir, logger);
  // Telegram's flood limits: answers go out at once (their own lane), and the fake answers 429 beyond the limits.
  const tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  const started: BenchProcess[] = [];
  try {
    await runMigrations(database.url, logger);
    const pool = await createDatabasePool(database.url);
    const registration = createRegistrationService({ pool, adminIds: [] });
    const pinHash = await hashPin('739164');
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    const users: TestUser[] = [];
    for (let index = 0; index < USERS; index += 1) {
      const user = tg.createUser({ id: 5_000_000 + index, first_name: `User${index}`, last_name: 'Bench' });
      const result = await registration.register({
        telegramId: user.id,
        telegramUsername: undefined,
        languageCode: 'en',
        email: `bench${index}@example.com`,
        phone: '+233241234567',
        firstName: user.first_name,
        lastName: 'Bench',
        pinHash,
      });
      if (result.status !== 'registered') throw new Error(result.status);
      users.push(user);
    }
    const { sql } = await import('slonik');
    await pool.query(sql.unsafe`UPDATE users SET kyc_status = 'approved'`);
    await pool.query(sql.unsafe`UPDATE settings SET momo_payment_details = 'MTN Mobile Money 024 000 0000, name: Bench Desk'`);
    await pool.end();
    log(`seeded ${USERS} verified users`);

    const env = { BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot };
    const echo = startNode([path.join(ROOT, 'bench/echoBot.ts')], env);
    started.push(echo);
    await echo.ready('echo bot started');
    const echoCpuBefore = cpuSecondsOf(echo.child.pid);
    const echoSystemBefore = cpuTimesOf(echo.child.pid).system;
    const baselineLoad = await driveUsers(tg, users, ECHO_STEPS);
    const baseline = { ...summary(baselineLoad), cpuMsPerUpdate: ((cpuSecondsOf(echo.child.pid) - echoCpuBefore) * 1000) / baselineLoad.updates };
    const echoSystemMs = ((cpuTimesOf(echo.child.pid).system - echoSystemBefore) * 1000) / baselineLoad.updates;
    await echo.stop();
    // The echo bot has no pace: a user's ten messages come within a second, so its answers meet the fake's 5 a second.
    const echoRateLimited = tg.rateLimitedCalls.length;
    log(`baseline: ${baseline.updatesPerSecond.toFixed(0)} updates/s, ${baseline.cpuMsPerUpdate.toFixed(2)} ms CPU per update (${echoSystemMs.toFixed(2)} in the kernel)`);

    const profile = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/profiles')}`] : []), ...(process.env.BENCH_NODE_IMPORT ? [`--import=${process.env.BENCH_NODE_IMPORT}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
    const bot = startNode([...profile, ...botNodeArgs()], {
      ...env,
      ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
      DATABASE_URL: database.url,
      STATE_SECRET: 'bench-state-secret-0123456789abcdef',
      COINGECKO_API_URL: 'http://127.0.0.1:9',
      COINMARKETCAP_API_URL: 'http://127.0.0.1:9',
      ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
    });
    started.push(bot);
    // Ready once it polls (whatever the log level).
    await bot.until(() => tg.calls.some((call) => call.method === 'getUpdates'));
    const callsBefore = tg.calls.length;
    const transactions = async () => {
      const client = new (await import('pg')).default.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ n: string }>("SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()");
      await client.end();
      return Number(rows[0]?.n);
    };
    const transactionsBefore = process.env.BENCH_DEBUG ? await transactions() : 0;
    const botCpuBefore = cpuSecondsOf(bot.child.pid);
    const botSystemBefore = cpuTimesOf(bot.child.pid).system;
    const postgresBefore = process.env.BENCH_DEBUG ? postgresCpuSeconds() : 0;
    const selfBefore = process.cpuUsage();
    const botLoad = await driveUsers(tg, users, PRODUCT_STEPS);
    const throughput = { ...summary(botLoad), cpuMsPerUpdate: ((cpuSecondsOf(bot.child.pid) - botCpuBefore) * 1000) / botLoad.updates };
    if (process.env.BENCH_DEBUG) {
      const self = process.cpuUsage(selfBefore);
      log(`bot's CPU in the kernel (socket writes and reads): ${(((cpuTimesOf(bot.child.pid).system - botSystemBefore) * 1000) / botLoad.updates).toFixed(2)} ms per update`);
      log(`cpu seconds: postgres (all on the machine) ${(postgresCpuSeconds() - postgresBefore).toFixed(1)}, bench+fake ${((self.user + self.system) / 1e6).toFixed(1)}`);
      const byMethod: Record<string, number> = {};
      for (const call of tg.calls.slice(callsBefore)) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
      log(JSON.stringify(byMethod));
      log(`database transactions per update: ${((await transactions()) - transactionsBefore) / (USERS * PRODUCT_STEPS.length)}`);
    }
    log(`bot: ${throughput.updatesPerSecond.toFixed(0)} updates/s, ${throughput.cpuMsPerUpdate.toFixed(2)} ms CPU per update`);
    if (ONLY_STEPS) {
      await bot.stop();
      const notMeasured = { rate: Number.NaN, p50: Number.NaN, p99: Number.NaN };
      return { baseline, bot: { ...throughput, peakRssMb: Number.NaN }, atHalfBaselineRate: notMeasured, atHalfOwnRate: notMeasured };
    }
    const rate = baseline.updatesPerSecond / 2;
    const paced = summary(await driveUsers(tg, users, PRODUCT_STEPS, rate));
    log(`bot at ${rate.toFixed(0)} updates/s: p99 ${paced.p99} ms`);
    // The latency where the bot is not past its capacity: at half the rate it reached itself.
    const ownRate = throughput.updatesPerSecond / 2;
    const withinCapacityLoad = await driveUsers(tg, users, PRODUCT_STEPS, ownRate);
    const withinCapacity = summary(withinCapacityLoad);
    if (process.env.BENCH_DEBUG) {
      for (const [position, latencies] of withinCapacityLoad.latenciesByStep.entries()) log(`step ${position + 1}: p50 ${percentile(latencies, 50)} p90 ${percentile(latencies, 90)} p99 ${percentile(latencies, 99)} max ${percentile(latencies, 100)} ms`);
    }
    log(`bot at ${ownRate.toFixed(0)} updates/s: p99 ${withinCapacity.p99} ms`);
    if (process.env.BENCH_DEBUG) log(`429s from the fake: the echo bot ${echoRateLimited}, the bot ${tg.rateLimitedCalls.length - echoRateLimited} in its three runs`);
    const peakRssMb = bot.peakRssMb();
    await bot.stop();
    return {
      baseline,
      bot: { ...throughput, peakRssMb },
      atHalfBaselineRate: { rate, p50: paced.p50, p99: paced.p99 },
      atHalfOwnRate: { rate: ownRate, p50: withinCapacity.p50, p99: withinCapacity.p99 },
    };
  } finally {
    // A run that failed leaves no bot behind (it would go on polling and use the CPU of the next runs).
    await Promise.all(started.map((child) => child.stop()));
    await tg.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchUpdates((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

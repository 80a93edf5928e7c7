import type { DatabasePool } from 'slonik';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabasePool } from '../src/db/setup/pool.ts';
import type { Job } from '../src/jobs/job.ts';
import { runJobSlot, scheduleJobs, type SchedulerDeps, type SlotResult } from '../src/jobs/scheduler.ts';
import { slotStart, startOfDay } from '../src/services/common/calendar.ts';
import { createJobSlots } from '../src/services/platform/jobSlots.ts';
import { ADMIN_CHAT_ID, LogCapture, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { createLogger } from '../src/logger.ts';

const MINUTE = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
/** Pools of their own for the slot claims and job locks of each instance, as separate processes would have. */
const pools: DatabasePool[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
});
afterEach(async () => {
  await tg.stop();
});

/** An instance's scheduler: its own pool for the claims and locks, its own log. */
async function instance(logs = new LogCapture()): Promise<SchedulerDeps & { logs: LogCapture }> {
  const pool = await createDatabasePool(db.url, { maxPoolSize: 4 });
  pools.push(pool);
  return { slots: createJobSlots(pool), logger: createLogger('debug', logs), logs };
}

interface LogEntry {
  level: number;
  msg: string;
  job?: string;
  slot?: string;
  outcome?: string;
  duration_ms?: number;
  result?: Record<string, number>;
  err?: { message: string };
}
const entries = (logs: LogCapture): LogEntry[] => logs.lines.map((line) => JSON.parse(line) as LogEntry);

/** A job that waits for `release` on each run, counting how many of its runs are in progress at once. */
function gatedJob(options: Partial<Job> = {}) {
  let running = 0;
  let release: () => void = () => undefined;
  const state = { runs: 0, mostAtOnce: 0, release: () => release() };
  const job: Job = {
    name: 'gated',
    schedule: '0 * * * * *',
    slotMinutes: 1,
    ...options,
    run: async () => {
      state.runs += 1;
      running += 1;
      state.mostAtOnce = Math.max(state.mostAtOnce, running);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      running -= 1;
      return { runs: 1 };
    },
  };
  return { job, state };
}

describe('three instances on one database', () => {
  it('run each slot of each of the bot’s jobs once: the other two see it claimed', async () => {
    const bots: TestBot[] = [];
    // Webhook instances behind one address, as a load balancer would run them (long polling allows only one).
    for (let index = 0; index < 3; index += 1) bots.push(await startTestBot({ db, tg, webhookSecret: 'three-instances-secret' }));
    const schedulers = await Promise.all(bots.map((bot) => instance(bot.logs)));
    try {
      const jobs = bots[0]?.jobs ?? [];
      const slotted = jobs.filter((job) => job.slotMinutes !== undefined);
      expect(slotted.map((job) => job.name).sort()).toEqual([
        'daily-digest',
        'expire-conversations',
        'expire-market-orders',
        'expire-unpaid-buys',
        'prune-analytics-events',
        'prune-handled-updates',
        'prune-job-runs',
        'rate-alerts',
        'rates',
        'reconcile-user-metrics',
        'remind-claimed-payouts',
        'remind-pending-requests',
      ]);
      // Three consecutive slots of every job, each fired on all three instances at the same moment.
      const firstSlot = (job: Job, index: number) => new Date(slotStart(new Date(), job.slotMinutes ?? 1).getTime() + index * (job.slotMinutes ?? 1) * MINUTE + 1_000);
      const results = new Map<string, SlotResult[][]>();
      for (let index = 0; index < 3; index += 1) {
        const runs = bots.flatMap((bot, which) =>
          bot.jobs.map(async (job) => ({ job: job.name, result: await runJobSlot(job, firstSlot(job, index), schedulers[which] as SchedulerDeps) })),
        );
        for (const { job, result } of await Promise.all(runs)) {
          const ofJob = results.get(job) ?? [[], [], []];
          ofJob[index]?.push(result);
          results.set(job, ofJob);
        }
      }
      for (const job of slotted) {
        expect(results.get(job.name)?.map((slot) => slot.sort()), job.name).toEqual(Array(3).fill(['claimed_elsewhere', 'claimed_elsewhere', 'done']));
      }
      // The outbox delivery claims rows, not slots, and broadcast status edits are claimed per broadcast: every instance runs them.
      expect(results.get('deliver-notifications')).toEqual(Array(3).fill(['done', 'done', 'done']));
      expect(results.get('broadcast-progress')).toEqual(Array(3).fill(['done', 'done', 'done']));

      expect(await db.query('SELECT job, count(*)::int AS slots FROM job_runs GROUP BY job ORDER BY job')).toEqual(
        slotted.map((job) => ({ job: job.name, slots: 3 })).sort((a, b) => a.job.localeCompare(b.job)),
      );
      // What a run does happened once per slot: one digest a day, not three.
      await tg.settle();
      expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('Daily digest'))).toHaveLength(3);
      const finished = schedulers.flatMap((scheduler) => entries(scheduler.logs)).filter((entry) => entry.msg === 'job finished' && entry.job === 'daily-digest');
      expect(finished).toHaveLength(3);
      expect(new Set(finished.map((entry) => entry.slot)).size).toBe(3);
    } finally {
      for (const bot of bots) await bot.stop();
    }
  });

  it('never run a job twice at once: while one instance is still running it, the next slot is skipped everywhere', async () => {
    const [a, b, c] = await Promise.all([instance(), instance(), instance()]);
    if (!a || !b || !c) throw new Error('three instances');
    const { job, state } = gatedJob();
    const first = new Date('2026-03-10T10:00:05Z');
    const slow = runJobSlot(job, first, a);
    await expect.poll(() => state.runs).toBe(1);

    const next = new Date(first.getTime() + MINUTE);
    expect(await Promise.all([runJobSlot(job, next, b), runJobSlot(job, next, c)]).then((results) => results.sort())).toEqual(['claimed_elsewhere', 'still_running']);
    expect(state.runs).toBe(1);
    const skipped = [...entries(b.logs), ...entries(c.logs)].filter((entry) => entry.msg === 'job skipped: its previous run is still in progress');
    expect(skipped).toEqual([expect.objectContaining({ level: 40, job: 'gated', slot: slotStart(next, 1).toISOString(), outcome: 'skipped' })]);

    state.release();
    expect(await slow).toBe('done');
    const later = runJobSlot(job, new Date(first.getTime() + 2 * MINUTE), c);
    await expect.poll(() => state.runs).toBe(2);
    state.release();
    expect(await later).toBe('done');
    expect(state.mostAtOnce).toBe(1);
  });
});

describe('the scheduler', () => {
  it('never overlaps a run on one instance, and logs every run with its duration and outcome', async () => {
    const scheduler = await instance();
    const { job: slow, state } = gatedJob({ name: 'every-second', schedule: '* * * * * *', slotMinutes: undefined });
    let failures = 0;
    const failing: Job = {
      name: 'failing',
      schedule: '* * * * * *',
      run: () => {
        failures += 1;
        return Promise.reject(new Error('the rate source is down'));
      },
    };
    const running = scheduleJobs([slow, failing], scheduler);
    try {
      await expect.poll(() => state.runs, { timeout: 10_000 }).toBe(1);
      // The schedule fires every second; the run in progress blocks the next ones.
      await expect.poll(() => entries(scheduler.logs).some((entry) => entry.job === 'every-second' && entry.msg.includes('blocked by overlap prevention')), { timeout: 10_000 }).toBe(true);
      expect(state.runs).toBe(1);
      state.release();
      await expect.poll(() => state.runs, { timeout: 10_000 }).toBe(2);
      state.release();
      await expect.poll(() => failures, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await running.stop();
      state.release();
    }
    expect(state.mostAtOnce).toBe(1);
    const logged = entries(scheduler.logs);
    const done = logged.find((entry) => entry.msg === 'job finished' && entry.job === 'every-second');
    expect(done).toMatchObject({ level: 30, outcome: 'done', result: { runs: 1 } });
    expect(done?.duration_ms).toBeGreaterThanOrEqual(0);
    const failed = logged.find((entry) => entry.msg === 'job failed' && entry.job === 'failing');
    expect(failed).toMatchObject({ level: 50, outcome: 'failed', err: { message: 'the rate source is down' } });
    expect(typeof failed?.duration_ms).toBe('number');
  });

  it('logs a run that fails while the scheduler stops as cut off by the shutdown, a warning, not an error', async () => {
    const scheduler = await instance();
    let started = false;
    let cutOff: (error: Error) => void = () => undefined;
    const stalled: Job = {
      name: 'stalled-on-telegram',
      schedule: '* * * * * *',
      run: () => {
        started = true;
        return new Promise((_resolve, reject) => (cutOff = reject));
      },
    };
    const running = scheduleJobs([stalled], scheduler);
    await expect.poll(() => started, { timeout: 10_000 }).toBe(true);
    const stopped = running.stop();
    // The shutdown's cut-off ends the job's Telegram call.
    cutOff(new Error('shutting down'));
    await stopped;
    const logged = entries(scheduler.logs).filter((entry) => entry.job === 'stalled-on-telegram' && entry.outcome === 'failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, msg: 'job cut off by the shutdown', err: { message: 'shutting down' } });
  });

  it('runs the daily jobs at their time in Accra, whatever the machine’s time zone', async () => {
    const bot = await startTestBot({ db, tg, webhookSecret: 'time-zone-secret' });
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    const running = scheduleJobs(bot.jobs, await instance());
    try {
      const at = (job: string) => running.nextRuns(job, 3).map((run) => run.toISOString().slice(11, 19));
      expect(at('daily-digest')).toEqual(['08:00:00', '08:00:00', '08:00:00']);
      expect(at('reconcile-user-metrics')).toEqual(['03:00:00', '03:00:00', '03:00:00']);
      expect(at('prune-analytics-events')).toEqual(['03:30:00', '03:30:00', '03:30:00']);
      const [today, tomorrow] = running.nextRuns('daily-digest', 2);
      expect((tomorrow?.getTime() ?? 0) - (today?.getTime() ?? 0)).toBe(24 * 60 * MINUTE);
    } finally {
      await running.stop();
      if (zone === undefined) Reflect.deleteProperty(process.env, "TZ");
      else process.env.TZ = zone;
      await bot.stop();
    }
  });

  it('runs for the bot’s time when given a clock ahead of the system’s (the sandbox after Fast forward)', async () => {
    const scheduler = await instance();
    const ahead = 3 * 24 * 60 * MINUTE;
    const runs: Date[] = [];
    const job: Job = { name: 'ahead', schedule: '* * * * * *', runAtStart: true, run: (now) => Promise.resolve(void runs.push(now)) };
    const running = scheduleJobs([job], { ...scheduler, clock: () => new Date(Date.now() + ahead) });
    try {
      // The run at start, then scheduled ones.
      await expect.poll(() => runs.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      await running.stop();
    }
    for (const at of runs) expect(Math.abs(at.getTime() - ahead - Date.now())).toBeLessThan(10_000);
    // A scheduled run is for its second on the bot's clock, not some instant near it.
    expect(runs.slice(1).every((at) => at.getMilliseconds() === 0)).toBe(true);
  });

  it('runs a daily job at start when a deploy kept every instance down at its time, once, and only the same day', async () => {
    // Its time is ten hours or more from the machine's, so node-cron never fires it during the test.
    const hour = ((new Date().getUTCHours() + 12) % 23) + 1;
    const today = startOfDay(new Date());
    const at = (day: number, minutes: number) => new Date(today.getTime() + day * 24 * 60 * MINUTE + minutes * MINUTE);
    const runs: Date[] = [];
    const daily: Job = { name: 'missed-daily', schedule: `0 0 ${hour} * * *`, slotMinutes: 1440, run: (now) => Promise.resolve(void runs.push(now)) };
    const startAt = async (time: Date) => {
      const scheduler = await instance();
      const running = scheduleJobs([daily], { ...scheduler, clock: () => time });
      return { running, scheduler };
    };
    const settle = async (started: Awaited<ReturnType<typeof startAt>>[]) => {
      // stop() waits for the runs in progress, the one at start among them.
      for (const { running } of started) await running.stop();
    };

    // A new install has missed nothing.
    await settle([await startAt(at(-1, hour * 60 + 5))]);
    expect(runs).toEqual([]);
    expect(await runJobSlot(daily, at(-1, hour * 60 + 6), await instance())).toBe('done');
    runs.length = 0;
    // Started five minutes before its time: nothing to make up.
    await settle([await startAt(at(0, hour * 60 - 5))]);
    expect(runs).toEqual([]);
    // Two instances back five minutes after its time: it runs once, for its time.
    const back = [await startAt(at(0, hour * 60 + 5)), await startAt(at(0, hour * 60 + 5))];
    await settle(back);
    expect(runs).toEqual([at(0, hour * 60)]);
    expect(back.flatMap(({ scheduler }) => entries(scheduler.logs)).filter((entry) => entry.msg === 'job slot claimed by another instance')).toHaveLength(1);
    // A later restart the same day finds the day's run done.
    await settle([await startAt(at(0, hour * 60 + 90))]);
    expect(runs).toHaveLength(1);
    // Down from before its time one day until just before it the next: the day that ended is not made up.
    await settle([await startAt(at(2, hour * 60 - 5))]);
    expect(runs).toHaveLength(1);
  });

  it('refuses a job whose schedule would fire twice in one slot, or two jobs of one name', async () => {
    const scheduler = await instance();
    const job: Job = { name: 'twice-a-minute', schedule: '*/30 * * * * *', slotMinutes: 1, run: () => Promise.resolve() };
    expect(() => scheduleJobs([job], scheduler)).toThrow("job twice-a-minute: its schedule '*/30 * * * * *' runs more than once in a slot of 1 minutes");
    expect(() => scheduleJobs([{ ...job, slotMinutes: 7 }], scheduler)).toThrow('slotMinutes must be a whole number of minutes that divides a day, not 7');
    const daily: Job = { name: 'daily', schedule: '0 0 8 * * *', slotMinutes: 1440, run: () => Promise.resolve() };
    expect(() => scheduleJobs([daily, daily], scheduler)).toThrow('two jobs are named daily');
  });
});

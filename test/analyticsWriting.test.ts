import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createAnalyticsRecorder } from '../src/services/analytics/events.ts';
import { summary, useAnalyticsWorld } from './support/analytics.ts';
import { LogCapture } from './support/bot.ts';

const MINUTE = 60_000;

const world = useAnalyticsWorld(7200);

/** How many rows of analytics_events each INSERT or DELETE statement run by `work` wrote or removed, in order. */
async function rowsPerStatement(operation: 'INSERT' | 'DELETE', work: () => Promise<void>): Promise<number[]> {
  const { db } = world;
  const rows = operation === 'INSERT' ? 'NEW TABLE' : 'OLD TABLE';
  await db.query('CREATE TABLE rows_per_statement (id serial, n int)');
  await db.query(`CREATE FUNCTION count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO rows_per_statement (n) SELECT count(*) FROM changed; RETURN NULL; END $$`);
  await db.query(`CREATE TRIGGER count_rows AFTER ${operation} ON analytics_events REFERENCING ${rows} AS changed FOR EACH STATEMENT EXECUTE FUNCTION count_rows()`);
  try {
    await work();
    return (await db.query<{ n: number }>('SELECT n FROM rows_per_statement ORDER BY id')).map((row) => row.n);
  } finally {
    await db.query('DROP TRIGGER count_rows ON analytics_events');
    await db.query('DROP FUNCTION count_rows');
    await db.query('DROP TABLE rows_per_statement');
  }
}

describe('writing analytics', () => {
  it('never breaks a reply when the insert fails: the failure is logged once, and storing resumes when it works again', async () => {
    const { tg, bot, events, newUser } = await world.start();
    const yaw = await newUser('Yaw');
    await world.db.query('ALTER TABLE analytics_events RENAME TO analytics_events_away');
    try {
      for (let round = 0; round < 3; round += 1) {
        await yaw.send('/help');
        await tg.waitForMessage(yaw.id, 'What I can do');
        await bot.services.analytics.events.flush();
      }
      await yaw.send('/wallet');
      await tg.waitForMessage(yaw.id, 'Your wallet');
      await bot.services.analytics.events.flush();
    } finally {
      await world.db.query('ALTER TABLE analytics_events_away RENAME TO analytics_events');
    }
    const failures = bot.logs.lines.filter((line) => line.includes('analytics events could not be stored'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).not.toContain('/help');
    expect(await world.db.query('SELECT 1 FROM analytics_events')).toEqual([]);

    await yaw.send('/help');
    await tg.waitForMessage(yaw.id, 'What I can do');
    expect(summary(await events())).toEqual(['command:help']);
    expect(bot.logs.text).toContain('analytics events are stored again');
  });

  it('never slows a reply: while the table is locked, replies still come and the events are written afterwards', async () => {
    const { tg, events, newUser } = await world.start();
    const ama = await newUser('Ama');
    const locker = new pg.Client({ connectionString: world.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE analytics_events IN ACCESS EXCLUSIVE MODE');
      for (let round = 0; round < 3; round += 1) {
        await ama.send('/wallet');
        // The recorder's timer is trying to write meanwhile, and waits on the lock.
        await tg.waitForMessage(ama.id, 'Your wallet', { timeout: 3000 });
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await ama.send('/help');
      await tg.waitForMessage(ama.id, 'What I can do', { timeout: 3000 });
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    expect(summary(await events())).toEqual(['command:wallet', 'command:wallet', 'command:wallet', 'command:help']);
  });

  it('writes in batches, and drops events beyond its bounded queue rather than hold more, logging it once', async () => {
    const { clock, events } = await world.start();
    const logs = new LogCapture();
    const options = { batchSize: 2, maxQueued: 5, flushDelayMs: 60_000 };
    const recorder = createAnalyticsRecorder({ pool: world.db.pool, clock: clock.now, logger: createLogger('debug', logs) }, options);
    const written = await rowsPerStatement('INSERT', async () => {
      for (let index = 0; index < 8; index += 1) {
        expect(recorder.record({ userId: null, type: 'command', name: `help${index}`, sessionId: null })).toBeUndefined();
      }
      await recorder.flush();
      // Drained, it takes events again; stopped, it takes none.
      recorder.record({ userId: null, type: 'command', name: 'wallet', sessionId: null });
      await recorder.stop();
      recorder.record({ userId: null, type: 'command', name: 'after-stop', sessionId: null });
      await recorder.flush();
    });
    expect(written).toEqual([2, 2, 1, 1]);
    expect(summary(await events())).toEqual(['command:help0', 'command:help1', 'command:help2', 'command:help3', 'command:help4', 'command:wallet']);
    expect(logs.lines.filter((line) => line.includes('analytics queue is full'))).toHaveLength(1);
  });

  it('deletes events older than 180 days, in batches of 5,000, and keeps the rest', async () => {
    const { bot, clock } = await world.start();
    const { db } = world;
    const now = clock.now().toISOString();
    await db.query(
      `INSERT INTO analytics_events (event_type, event_name, created_at)
       SELECT 'command', 'help', $1::timestamptz - make_interval(days => 180 + n % 5, secs => n) FROM generate_series(1, 12001) AS n`,
      [now],
    );
    await db.query(`INSERT INTO analytics_events (event_type, event_name, created_at) VALUES ('command', 'wallet', $1::timestamptz - interval '179 days')`, [now]);
    const deleted = await rowsPerStatement('DELETE', async () => {
      expect(await bot.services.analytics.retention.deleteExpired(clock.now())).toBe(12_001);
    });
    expect(deleted).toEqual([5000, 5000, 2001]);
    expect(await db.query('SELECT event_name FROM analytics_events')).toEqual([{ event_name: 'wallet' }]);
    clock.advance(24 * 60 * MINUTE + MINUTE);
    await bot.runJob('prune-analytics-events');
    expect(await db.query('SELECT event_name FROM analytics_events')).toEqual([]);
  });
});

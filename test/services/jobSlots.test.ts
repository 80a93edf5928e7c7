import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.ts';
import { scheduleJobs } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import { createDatabasePool, type DatabasePool } from '../../src/db/setup/pool.ts';
import { createJobSlots } from '../../src/services/platform/jobSlots.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let instancePools: DatabasePool[];

beforeAll(async () => {
  db = await createTestDatabase();
  instancePools = [await createDatabasePool(db.url), await createDatabasePool(db.url)];
});
afterAll(async () => {
  for (const pool of instancePools) await pool.end();
  await db.drop();
});

describe('jobs with several instances', () => {
  it('runs the start run of a once-per-slot job once when instances start together', async () => {
    const runs: Date[] = [];
    const atStart: Job = { name: 'slot-test', schedule: '* * * * *', slotMinutes: 1, runAtStart: true, run: (at) => Promise.resolve(void runs.push(at)) };
    const everywhere: string[] = [];
    // Two instances, each with its own pool and scheduler, like two bot processes.
    const schedulers = instancePools.map((pool, index) =>
      scheduleJobs([atStart, { name: `local-${index}`, schedule: '* * * * * *', runAtStart: true, run: () => Promise.resolve(void everywhere.push(`local-${index}`)) }], {
        slots: createJobSlots(pool),
        logger: createLogger('silent'),
      }),
    );
    // Jobs without a slot run on every instance; the start run of the slotted one claims its minute first.
    await expect.poll(() => new Set(everywhere).size, { timeout: 5_000 }).toBe(2);
    for (const scheduler of schedulers) await scheduler.stop();
    const slots = await db.query<{ slot: Date }>("SELECT slot FROM job_runs WHERE job = 'slot-test' ORDER BY slot");
    // Unless a minute boundary passed in between, one run; never two in one minute.
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs).toHaveLength(slots.length);
    expect(new Set(runs.map((at) => Math.floor(at.getTime() / 60_000))).size).toBe(runs.length);
  });
});

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
  it('runs each slot of a once-per-slot job once across instances, its start run included', async () => {
    const runs: Date[] = [];
    const everySecond: Job = { name: 'slot-test', schedule: '* * * * * *', oncePerSlot: true, runAtStart: true, run: (at) => Promise.resolve(void runs.push(at)) };
    const everywhere: string[] = [];
    // Two instances, each with its own pool and scheduler, like two bot processes.
    const schedulers = instancePools.map((pool, index) =>
      scheduleJobs([everySecond, { name: `local-${index}`, schedule: '* * * * * *', oncePerSlot: false, run: () => Promise.resolve(void everywhere.push(`local-${index}`)) }], {
        slots: createJobSlots(pool),
        logger: createLogger('silent'),
      }),
    );
    // Both fire every second (and both at start); only the claim of a new minute slot runs the job.
    await expect.poll(() => new Set(everywhere).size, { timeout: 5_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const scheduler of schedulers) await scheduler.stop();
    const slots = await db.query<{ slot: Date }>("SELECT slot FROM job_runs WHERE job = 'slot-test' ORDER BY slot");
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs).toHaveLength(slots.length);
    expect(new Set(runs.map((at) => Math.floor(at.getTime() / 60_000))).size).toBe(runs.length);
  });
});

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const lockedRow = z.object({ locked: z.boolean() });

/** True for the one caller that claims this job's slot first; every other instance skips the slot. */
export async function claimJobSlot(db: CommonQueryMethods, job: string, slot: Date): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    INSERT INTO job_runs (job, slot) VALUES (${job}, ${slot.toISOString()}) ON CONFLICT DO NOTHING
  `);
  return result.rowCount === 1;
}

const existsRow = z.object({ exists: z.boolean() });

/** Whether this job claimed a slot that started before `before` (claims are kept for a week). */
export async function jobClaimedSlotBefore(db: CommonQueryMethods, job: string, before: Date): Promise<boolean> {
  return db.oneFirst(sql.type(existsRow)`SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = ${job} AND slot < ${before.toISOString()}) AS exists`);
}

export async function deleteJobSlotsBefore(db: CommonQueryMethods, before: Date): Promise<number> {
  const result = await db.query(sql.unsafe`DELETE FROM job_runs WHERE slot < ${before.toISOString()}`);
  return result.rowCount;
}

/**
 * The lock a job holds while it runs, on any instance: session-scoped (key space 21), so it lasts across the
 * run's own transactions, on a connection kept for the run; false when another session holds it.
 */
export async function tryLockJob(db: CommonQueryMethods, job: string): Promise<boolean> {
  return db.oneFirst(sql.type(lockedRow)`SELECT pg_try_advisory_lock(21, hashtext(${job})) AS locked`);
}

export async function unlockJob(db: CommonQueryMethods, job: string): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_unlock(21, hashtext(${job}))`);
}

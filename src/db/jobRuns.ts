import { sql, type CommonQueryMethods } from 'slonik';

/** True for the one caller that claims this job's slot first; every other instance skips the slot. */
export async function claimJobSlot(db: CommonQueryMethods, job: string, slot: Date): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    INSERT INTO job_runs (job, slot) VALUES (${job}, ${slot.toISOString()}) ON CONFLICT DO NOTHING
  `);
  return result.rowCount === 1;
}

export async function deleteJobSlotsBefore(db: CommonQueryMethods, before: Date): Promise<number> {
  const result = await db.query(sql.unsafe`DELETE FROM job_runs WHERE slot < ${before.toISOString()}`);
  return result.rowCount;
}

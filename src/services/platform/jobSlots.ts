import type { DatabasePool } from 'slonik';
import { claimJobSlot } from '../../db/jobRuns.ts';

export interface JobSlots {
  /** Whether this instance runs `job` for the minute `at` falls in. */
  claim(job: string, at: Date): Promise<boolean>;
}

export function createJobSlots(pool: DatabasePool): JobSlots {
  return {
    claim: (job, at) => claimJobSlot(pool, job, new Date(Math.floor(at.getTime() / 60_000) * 60_000)),
  };
}

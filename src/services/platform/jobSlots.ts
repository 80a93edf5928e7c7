import type { DatabasePool } from 'slonik';
import { claimJobSlot, deleteJobSlotsBefore, jobClaimedSlotBefore, tryLockJob, unlockJob } from '../../db/jobRuns.ts';
import { slotStart } from '../common/calendar.ts';

export interface JobSlots {
  /** Whether this instance runs `job` for the slot of `slotMinutes` that `at` falls in; the slot's start, when it does. */
  claim(job: string, at: Date, slotMinutes: number): Promise<Date | null>;
  /**
   * Runs `work` while holding the job's lock across every instance, so two runs of one job never overlap
   * anywhere; `{ ran: false }` at once when another run of it is in progress. A crashed instance's lock goes
   * with its connection.
   */
  exclusively<T>(job: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Whether `job` ran in a slot that started before `before`, in the last week (older claims are forgotten). */
  ranBefore(job: string, before: Date): Promise<boolean>;
  /** Forgets the claims of slots that started before `before` (they can never be claimed again). */
  forgetBefore(before: Date): Promise<number>;
}

export function createJobSlots(pool: DatabasePool): JobSlots {
  return {
    async claim(job, at, slotMinutes) {
      const slot = slotStart(at, slotMinutes);
      return (await claimJobSlot(pool, job, slot)) ? slot : null;
    },
    exclusively: (job, work) =>
      pool.connect(async (connection) => {
        if (!(await tryLockJob(connection, job))) return { ran: false as const };
        try {
          return { ran: true as const, value: await work() };
        } finally {
          await unlockJob(connection, job);
        }
      }),
    ranBefore: (job, before) => jobClaimedSlotBefore(pool, job, before),
    forgetBefore: (before) => deleteJobSlotsBefore(pool, before),
  };
}

import type { DatabasePool } from 'slonik';
import { claimJobSlot, deleteJobSlotsBefore } from '../../db/jobRuns.ts';
import { slotStart } from '../common/calendar.ts';

export interface JobSlots {
  /** Whether this instance runs `job` for the slot of `slotMinutes` that `at` falls in; the slot's start, when it does. */
  claim(job: string, at: Date, slotMinutes: number): Promise<Date | null>;
  /** Forgets the claims of slots that started before `before` (they can never be claimed again). */
  forgetBefore(before: Date): Promise<number>;
}

export function createJobSlots(pool: DatabasePool): JobSlots {
  return {
    async claim(job, at, slotMinutes) {
      const slot = slotStart(at, slotMinutes);
      return (await claimJobSlot(pool, job, slot)) ? slot : null;
    },
    forgetBefore: (before) => deleteJobSlotsBefore(pool, before),
  };
}

import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job } from './job.ts';

const KEPT_MS = 7 * 24 * 60 * 60_000;

/** Daily at 04:00: slot claims older than a week are forgotten (a slot is only ever claimed while it is current). */
export function pruneJobRunsJob(slots: Pick<JobSlots, 'forgetBefore'>): Job {
  return {
    name: 'prune-job-runs',
    schedule: '0 0 4 * * *',
    slotMinutes: 1440,
    run: async (now) => ({ forgotten: await slots.forgetBefore(new Date(now.getTime() - KEPT_MS)) }),
  };
}

import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job } from './job.ts';

interface SchedulerDeps {
  slots: JobSlots;
  logger: Logger;
}

/** One run: a job that runs once per slot claims the slot first and skips it when another instance has. */
async function runInSlot(job: Job, at: Date, deps: SchedulerDeps): Promise<void> {
  const started = performance.now();
  try {
    if (job.oncePerSlot && !(await deps.slots.claim(job.name, at))) return;
    await job.run(at);
    deps.logger.debug({ job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job finished');
  } catch (error) {
    deps.logger.error({ err: error, job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job failed');
  }
}

/**
 * Schedules every job with node-cron, and runs those that ask for it once now (`runAtStart`, in the current
 * slot: of several instances starting together, one runs it). A run never overlaps the previous one
 * (noOverlap); with several instances exactly one runs each slot of a once-per-slot job. A failure is logged,
 * and the next slot runs as usual.
 */
export function scheduleJobs(jobs: readonly Job[], deps: SchedulerDeps): ScheduledTask[] {
  for (const job of jobs.filter((candidate) => candidate.runAtStart)) void runInSlot(job, new Date(), deps);
  return jobs.map((job) => cron.schedule(job.schedule, (context) => runInSlot(job, context.date, deps), { name: job.name, noOverlap: true }));
}

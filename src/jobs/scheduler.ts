import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job } from './job.ts';

/**
 * Schedules every job with node-cron. A run never overlaps the previous one (noOverlap); a job that runs once
 * per slot claims the slot first, so with several instances exactly one runs it. A failure is logged, and
 * the next slot runs as usual.
 */
export function scheduleJobs(jobs: readonly Job[], deps: { slots: JobSlots; logger: Logger }): ScheduledTask[] {
  return jobs.map((job) =>
    cron.schedule(
      job.schedule,
      async (context) => {
        const started = performance.now();
        try {
          if (job.oncePerSlot && !(await deps.slots.claim(job.name, context.date))) return;
          await job.run(context.date);
          deps.logger.debug({ job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job finished');
        } catch (error) {
          deps.logger.error({ err: error, job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job failed');
        }
      },
      { name: job.name, noOverlap: true },
    ),
  );
}

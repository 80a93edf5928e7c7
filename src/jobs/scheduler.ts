import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job } from './job.ts';

export interface RunningJobs {
  /** Stops the schedules and waits for the runs in progress (before the pool closes at shutdown). */
  stop(): Promise<void>;
}

/**
 * Schedules every job with node-cron, and runs the `runAtStart` ones once right away. A run never overlaps
 * the previous one (noOverlap); a job that runs once per slot claims the slot first, so with several
 * instances exactly one runs it. A failure is logged, and the next slot runs as usual.
 */
export function scheduleJobs(jobs: readonly Job[], deps: { slots: JobSlots; logger: Logger }): RunningJobs {
  const inProgress = new Set<Promise<void>>();
  let stopping = false;

  function runTracked(job: Job, at: Date, claimSlot: boolean): Promise<void> {
    if (stopping) return Promise.resolve();
    const started = performance.now();
    const run = (async () => {
      try {
        if (claimSlot && job.oncePerSlot && !(await deps.slots.claim(job.name, at))) return;
        await job.run(at);
        deps.logger.debug({ job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job finished');
      } catch (error) {
        deps.logger.error({ err: error, job: job.name, duration_ms: Math.round(performance.now() - started) }, 'job failed');
      }
    })();
    inProgress.add(run);
    void run.finally(() => inProgress.delete(run));
    return run;
  }

  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.schedule, (context) => runTracked(job, context.date, true), { name: job.name, noOverlap: true }),
  );
  for (const job of jobs.filter((candidate) => candidate.runAtStart)) void runTracked(job, new Date(), false);

  return {
    async stop() {
      stopping = true;
      for (const task of tasks) await task.stop();
      await Promise.all([...inProgress]);
    },
  };
}

import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import { BUSINESS_TIME_ZONE, slotStart } from '../services/common/calendar.ts';
import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job } from './job.ts';

export interface SchedulerDeps {
  slots: JobSlots;
  logger: Logger;
}

export interface RunningJobs {
  /** Stops the schedules and waits for the runs in progress (before the pool closes at shutdown). */
  stop(): Promise<void>;
}

/** How a slot went on this instance: run here (done or failed), or left to the instance that claimed it. */
export type SlotResult = 'done' | 'failed' | 'claimed_elsewhere';

/** A run late by up to this much (a busy event loop, a slow previous run) still runs, in its own slot. */
const MISSED_RUN_TOLERANCE_MS = 30_000;

/**
 * Runs one slot of a job on this instance: claims the slot first when the job runs once per slot (unless
 * `claimSlot` is false: the extra run at start), then logs one line with the duration and outcome (info; debug
 * for an idle run of a `quietWhenIdle` job, and for a slot another instance took). A failure is logged, never
 * thrown: the next slot runs as usual.
 */
export async function runJobSlot(job: Job, at: Date, deps: SchedulerDeps, claimSlot = true): Promise<SlotResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let slot: Date | null = null;
  try {
    if (claimSlot && job.slotMinutes !== undefined) {
      slot = await deps.slots.claim(job.name, at, job.slotMinutes);
      if (!slot) {
        deps.logger.debug({ job: job.name, slot: slotStart(at, job.slotMinutes).toISOString() }, 'job slot claimed by another instance');
        return 'claimed_elsewhere';
      }
    }
    const result = (await job.run(at)) ?? {};
    const idle = Object.values(result).every((count) => count === 0);
    const line = { job: job.name, slot: slot?.toISOString(), outcome: 'done', duration_ms: elapsed(), result };
    if (job.quietWhenIdle && idle) deps.logger.debug(line, 'job finished');
    else deps.logger.info(line, 'job finished');
    return 'done';
  } catch (error) {
    deps.logger.error({ err: error, job: job.name, slot: slot?.toISOString(), outcome: 'failed', duration_ms: elapsed() }, 'job failed');
    return 'failed';
  }
}

/** Refuses a job whose slots could not hold its runs (two runs in one slot: the second would never run). */
function checkSlots(job: Job, task: ScheduledTask): void {
  const minutes = job.slotMinutes;
  if (minutes === undefined) return;
  if (!Number.isInteger(minutes) || minutes < 1 || 1440 % minutes !== 0) {
    throw new Error(`job ${job.name}: slotMinutes must be a whole number of minutes that divides a day, not ${minutes}`);
  }
  const slots = task.getNextRuns(10).map((run) => slotStart(run, minutes).getTime());
  if (new Set(slots).size !== slots.length) {
    throw new Error(`job ${job.name}: its schedule '${job.schedule}' runs more than once in a slot of ${minutes} minutes`);
  }
}

/** node-cron's own warnings (a run blocked by the one before, a missed run) go to the bot's log, with the job. */
function cronLogger(logger: Logger, job: string): CronLogger {
  return {
    info: (message) => logger.info({ job }, message),
    warn: (message) => logger.warn({ job }, message),
    error: (message) => logger.error({ job, err: message }, 'cron error'),
    debug: (message) => logger.debug({ job }, String(message)),
  };
}

/**
 * Schedules every job with node-cron, in Accra time, and runs the `runAtStart` ones once right away. A run never
 * overlaps the previous one of the same job on this instance (noOverlap), and a job that runs once per slot
 * claims the slot in job_runs first, so with several instances exactly one runs it: runJobSlot.
 */
export function scheduleJobs(jobs: readonly Job[], deps: SchedulerDeps): RunningJobs {
  const inProgress = new Set<Promise<SlotResult>>();
  let stopping = false;

  function runTracked(job: Job, at: Date, claimSlot: boolean): Promise<SlotResult | void> {
    if (stopping) return Promise.resolve();
    const run = runJobSlot(job, at, deps, claimSlot);
    inProgress.add(run);
    void run.finally(() => inProgress.delete(run));
    return run;
  }

  const tasks: ScheduledTask[] = [];
  try {
    for (const job of jobs) {
      const task = cron.createTask(job.schedule, (context) => runTracked(job, context.date, true), {
        name: job.name,
        noOverlap: true,
        timezone: BUSINESS_TIME_ZONE,
        missedExecutionTolerance: MISSED_RUN_TOLERANCE_MS,
        logger: cronLogger(deps.logger, job.name),
      });
      tasks.push(task);
      checkSlots(job, task);
    }
  } catch (error) {
    for (const task of tasks) void task.destroy();
    throw error;
  }
  for (const task of tasks) void task.start();
  for (const job of jobs.filter((candidate) => candidate.runAtStart)) void runTracked(job, new Date(), false);

  return {
    async stop() {
      stopping = true;
      for (const task of tasks) await task.stop();
      await Promise.all([...inProgress]);
    },
  };
}

import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import { BUSINESS_TIME_ZONE, slotStart, startOfDay } from '../services/common/calendar.ts';
import type { Clock } from '../services/platform/clock.ts';
import type { JobSlots } from '../services/platform/jobSlots.ts';
import type { Job, JobOutcome } from './job.ts';

export interface SchedulerDeps {
  slots: JobSlots;
  logger: Logger;
  /**
   * The bot's clock, when it is not the system's (the sandbox's, moved by Fast forward): each run is then for its
   * scheduled time moved as far as this clock is ahead, to the second, so it claims the slot of the bot's time.
   */
  clock?: Clock;
  /** True once the scheduler stops: a run that fails then was cut off by the shutdown (its calls ended), a warning. */
  stopping?: () => boolean;
}

export interface RunningJobs {
  /** When a job's schedule fires next (Accra time applied): its next `count` runs, soonest first. */
  nextRuns(job: string, count: number): Date[];
  /** Stops the schedules and waits for the runs in progress (before the pool closes at shutdown). */
  stop(): Promise<void>;
}

/**
 * How a slot went on this instance: run here (done or failed), left to the instance that claimed it, or
 * skipped because the job's previous run is still in progress (here or on another instance).
 */
export type SlotResult = 'done' | 'failed' | 'claimed_elsewhere' | 'still_running';

/** A run late by up to this much (a busy event loop, a slow previous run) still runs, in its own slot. */
const MISSED_RUN_TOLERANCE_MS = 30_000;

/**
 * Runs one slot of a job on this instance. A job that runs once per slot claims the slot first (the run at
 * start too, so instances starting together run it once), then runs holding the job's lock across instances, so it
 * never overlaps itself anywhere: while its previous run goes on, the slot is skipped with a warning. Every run
 * logs one line with its duration and outcome (info; debug for an idle run of a `quietWhenIdle` job, and for a
 * slot another instance took). A failure is logged, never thrown: the next slot runs as usual.
 */
export async function runJobSlot(job: Job, at: Date, deps: SchedulerDeps): Promise<SlotResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let slot: Date | null = null;
  try {
    let result: JobOutcome;
    if (job.slotMinutes === undefined) {
      result = (await job.run(at)) ?? {};
    } else {
      slot = await deps.slots.claim(job.name, at, job.slotMinutes);
      if (!slot) {
        deps.logger.debug({ job: job.name, slot: slotStart(at, job.slotMinutes).toISOString() }, 'job slot claimed by another instance');
        return 'claimed_elsewhere';
      }
      const run = await deps.slots.exclusively(job.name, async () => (await job.run(at)) ?? {});
      if (!run.ran) {
        deps.logger.warn({ job: job.name, slot: slot?.toISOString(), outcome: 'skipped' }, 'job skipped: its previous run is still in progress');
        return 'still_running';
      }
      result = run.value;
    }
    const idle = Object.values(result).every((count) => count === 0);
    const line = { job: job.name, slot: slot?.toISOString(), outcome: 'done', duration_ms: elapsed(), result };
    if (job.quietWhenIdle && idle) deps.logger.debug(line, 'job finished');
    else deps.logger.info(line, 'job finished');
    return 'done';
  } catch (error) {
    const line = { err: error, job: job.name, slot: slot?.toISOString(), outcome: 'failed', duration_ms: elapsed() };
    if (deps.stopping?.()) deps.logger.warn(line, 'job cut off by the shutdown');
    else deps.logger.error(line, 'job failed');
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

const DAY_MINUTES = 1440;

/**
 * When a daily job's schedule fired earlier on the Accra day of `now` (the latest such time), if it did. Accra keeps
 * UTC all year, so its day's times are its midnight plus the schedule's hours, minutes and seconds.
 */
function firedEarlierToday(job: Job, task: ScheduledTask, now: Date): Date | undefined {
  const { hour, minute, second } = cron.parse(job.schedule);
  const midnight = startOfDay(now).getTime();
  const times = hour.flatMap((h) => minute.flatMap((m) => second.map((s) => new Date(midnight + ((h * 60 + m) * 60 + s) * 1000))));
  return times.filter((time) => time <= now && task.match(time)).sort((a, b) => a.getTime() - b.getTime()).at(-1);
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
 * Schedules every job with node-cron, in Accra time, and runs the `runAtStart` ones once right away. A daily job
 * that ran on an earlier day and whose time today has passed runs at start for that time: its day's slot is claimed
 * once, so when it already ran today (here or on another instance) nothing happens, and when a deploy kept every
 * instance down at its time it runs now, the same day; a day that ended while the bot was down is not made up. A run never overlaps the
 * previous one of the same job on this instance (noOverlap); a job that runs once per slot claims the slot in
 * job_runs first, so with several instances exactly one runs it, and holds its lock while it runs (runJobSlot).
 */
export function scheduleJobs(jobs: readonly Job[], deps: SchedulerDeps): RunningJobs {
  const inProgress = new Set<Promise<SlotResult | void>>();
  let stopping = false;
  const { clock } = deps;
  const runDeps: SchedulerDeps = { ...deps, stopping: () => stopping };
  const botTime = (scheduled: Date) => (clock ? new Date(scheduled.getTime() + Math.round((clock().getTime() - Date.now()) / 1000) * 1000) : scheduled);

  function runTracked(job: Job, at: Date): Promise<SlotResult | void> {
    return track(() => runJobSlot(job, at, runDeps));
  }
  function track(work: () => Promise<SlotResult | void>): Promise<SlotResult | void> {
    if (stopping) return Promise.resolve();
    const run = work();
    inProgress.add(run);
    void run.finally(() => inProgress.delete(run));
    return run;
  }

  /** Only a job that has been running missed a run: a new install (or a new job) has missed nothing. */
  async function runMissed(job: Job, missed: Date): Promise<SlotResult | void> {
    try {
      if (!(await deps.slots.ranBefore(job.name, startOfDay(missed)))) return;
    } catch (error) {
      deps.logger.error({ err: error, job: job.name, outcome: 'failed' }, 'job failed: could not tell whether it missed its run today');
      return 'failed';
    }
    return runJobSlot(job, missed, runDeps);
  }

  const tasks = new Map<string, ScheduledTask>();
  try {
    for (const job of jobs) {
      // Slots and locks are claimed by name.
      if (tasks.has(job.name)) throw new Error(`two jobs are named ${job.name}`);
      const task = cron.createTask(job.schedule, (context) => runTracked(job, botTime(context.date)), {
        name: job.name,
        noOverlap: true,
        timezone: BUSINESS_TIME_ZONE,
        missedExecutionTolerance: MISSED_RUN_TOLERANCE_MS,
        logger: cronLogger(deps.logger, job.name),
      });
      tasks.set(job.name, task);
      checkSlots(job, task);
    }
  } catch (error) {
    for (const task of tasks.values()) void task.destroy();
    throw error;
  }
  for (const task of tasks.values()) void task.start();
  const now = clock?.() ?? new Date();
  for (const job of jobs) {
    const task = tasks.get(job.name);
    const missed = job.slotMinutes === DAY_MINUTES && !job.runAtStart && task ? firedEarlierToday(job, task, now) : undefined;
    if (job.runAtStart) void runTracked(job, now);
    else if (missed) void track(() => runMissed(job, missed));
  }

  return {
    nextRuns: (job, count) => tasks.get(job)?.getNextRuns(count) ?? [],
    async stop() {
      stopping = true;
      for (const task of tasks.values()) await task.stop();
      await Promise.all([...inProgress]);
    },
  };
}

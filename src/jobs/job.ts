/** What a run did, as counts for its log line, e.g. `{ delivered: 3 }`. */
export type JobOutcome = Readonly<Record<string, number>>;

/** A cron job a module declares; src/jobs/scheduler.ts runs it. */
export interface Job {
  name: string;
  /** node-cron expression with seconds, in Africa/Accra time: e.g. '0 * * * * *' every minute, '0 0 8 * * *' at 08:00. */
  schedule: string;
  /**
   * Runs once per slot of this many minutes across all instances (claimed in job_runs): 1 for a job that runs
   * every minute, 60 hourly, 1440 daily (slots start at midnight in Accra, so it must divide 1440). The schedule
   * must fire at most once per slot (checked at start). Unset for jobs that are safe to run everywhere at once
   * (the outbox delivery, which claims rows with SKIP LOCKED).
   */
  slotMinutes?: number;
  /** Also run once as the bot starts (e.g. a price right away, rather than a paused market until the first minute). */
  runAtStart?: boolean;
  /** A run that did nothing (every count zero) logs at debug rather than info: for jobs that run every few seconds. */
  quietWhenIdle?: boolean;
  /** `now`: the time of the slot being run (the scheduled time; tests pass their clock's). */
  run(now: Date): Promise<JobOutcome | void>;
}

/** A cron job a module declares; src/jobs/scheduler.ts runs it. */
export interface Job {
  name: string;
  /** node-cron expression with seconds, e.g. '0 * * * * *' for every minute. */
  schedule: string;
  /**
   * Whether only one instance runs each slot (claimed in job_runs). Jobs that are safe to run everywhere at
   * once (the outbox delivery, which claims rows with SKIP LOCKED) say false.
   */
  oncePerSlot: boolean;
  /** Also run once as the bot starts (e.g. a price right away, rather than a paused market until the first minute). */
  runAtStart?: boolean;
  run(now: Date): Promise<void>;
}

import type { UpdateLedger } from '../services/platform/updateLedger.ts';
import type { Job } from './job.ts';

/** Telegram delivers an update again within a day at most (it drops what is older). */
const KEPT_MS = 24 * 60 * 60_000;

/** Hourly: handled update ids older than a day are forgotten. */
export function pruneHandledUpdatesJob(ledger: Pick<UpdateLedger, 'forgetBefore'>): Job {
  return {
    name: 'prune-handled-updates',
    schedule: '0 17 * * * *',
    slotMinutes: 60,
    run: async (now) => ({ forgotten: await ledger.forgetBefore(new Date(now.getTime() - KEPT_MS)) }),
  };
}

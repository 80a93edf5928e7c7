import type { DatabasePool } from 'slonik';
import { claimReminders, deleteRemindersBefore, releaseReminders } from '../../db/approvalReminders.ts';
import type { WaitingRequest } from './approvalKind.ts';

/** A request waiting this long is brought up to the admins … */
export const REMIND_AFTER_MS = 30 * 60_000;
/** … and again at most this often while it waits. */
export const REMIND_EVERY_MS = 60 * 60_000;
const FORGET_AFTER_MS = 30 * 24 * 60 * 60_000;

export interface PendingReminders {
  /**
   * Of the waiting requests, those to bring up at `now` (waiting over 30 minutes, not brought up in the last
   * hour), oldest first; they are marked as reminded in the same statement, so no other instance takes them.
   */
  claimDue(pending: readonly WaitingRequest[], now: Date): Promise<WaitingRequest[]>;
  /** The reminder claimed at `now` could not be sent: the next run brings these up again. */
  release(requests: readonly WaitingRequest[], now: Date): Promise<void>;
}

export function createPendingReminders(deps: { pool: DatabasePool }): PendingReminders {
  const { pool } = deps;
  return {
    async claimDue(pending, now) {
      await deleteRemindersBefore(pool, new Date(now.getTime() - FORGET_AFTER_MS));
      const waiting = pending.filter((request) => now.getTime() - request.submittedAt.getTime() >= REMIND_AFTER_MS);
      const claimed = await claimReminders(pool, waiting, now, new Date(now.getTime() - REMIND_EVERY_MS));
      const keys = new Set(claimed.map((key) => `${key.kind}:${key.id}`));
      return waiting.filter((request) => keys.has(`${request.kind}:${request.id}`));
    },
    release: (requests, now) => releaseReminders(pool, requests, now),
  };
}

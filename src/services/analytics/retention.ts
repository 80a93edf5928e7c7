import type { DatabasePool } from 'slonik';
import { deleteAnalyticsEventsBefore } from '../../db/analyticsEvents.ts';

/** Analytics events are kept this long, then deleted. */
export const ANALYTICS_RETENTION_DAYS = 180;
const DAY_MS = 24 * 60 * 60_000;
const BATCH = 5_000;

export interface AnalyticsRetention {
  /** Deletes the events older than 180 days at `now`, a batch at a time (short statements, no long lock); returns how many. */
  deleteExpired(now: Date): Promise<number>;
}

export function createAnalyticsRetention(deps: { pool: DatabasePool }, batch = BATCH): AnalyticsRetention {
  return {
    async deleteExpired(now) {
      const before = new Date(now.getTime() - ANALYTICS_RETENTION_DAYS * DAY_MS);
      let deleted = 0;
      for (;;) {
        const count = await deleteAnalyticsEventsBefore(deps.pool, before, batch);
        deleted += count;
        if (count < batch) return deleted;
      }
    },
  };
}

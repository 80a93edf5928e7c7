import type { AnalyticsRetention } from '../services/analytics/retention.ts';
import type { Job } from './job.ts';

/** Every night at 03:30 in Accra, once across instances: analytics events older than 180 days are deleted, in batches. */
export function pruneAnalyticsEventsJob(retention: AnalyticsRetention): Job {
  return {
    name: 'prune-analytics-events',
    schedule: '0 30 3 * * *',
    slotMinutes: 1440,
    run: async (now) => ({ deleted: await retention.deleteExpired(now) }),
  };
}

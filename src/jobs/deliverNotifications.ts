import type { NotificationDelivery } from '../services/notifications/delivery.ts';
import type { Job } from './job.ts';

/**
 * Delivers the outbox every 15 seconds and at start: retries of failed sends, broadcasts, and anything a crash
 * left behind. Decisions also trigger a delivery right after their commit, so users rarely wait for this. Every
 * instance runs it: each notification is claimed by exactly one (SKIP LOCKED). Its idle runs (nothing due) log
 * at debug only, so its 5,760 runs a day do not flood the log.
 */
export function deliverNotificationsJob(delivery: NotificationDelivery): Job {
  return {
    name: 'deliver-notifications',
    schedule: '*/15 * * * * *',
    runAtStart: true,
    quietWhenIdle: true,
    run: async () => ({ delivered: await delivery.deliverDue() }),
  };
}

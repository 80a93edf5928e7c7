import type { Logger } from '../logger.ts';
import type { AlertService } from '../services/notifications/alerts.ts';
import type { NotificationDelivery } from '../services/notifications/delivery.ts';
import type { Job } from './job.ts';

/**
 * Checks rate alerts 15 seconds into every minute, once per minute across instances: after the minute's rate
 * refresh (at :00, at most 10 s with its timeout), so each refreshed price is checked, while the rates domain
 * knows nothing of alerts. Alerts that fire write their notice in the same transaction; they are delivered right
 * away, ahead of any broadcast backlog (not awaited: behind a backlog, the delivery in progress sends them first
 * and then goes on with it).
 */
export function rateAlertsJob(deps: { alerts: AlertService; delivery: NotificationDelivery; logger: Logger }): Job {
  return {
    name: 'rate-alerts',
    schedule: '15 * * * * *',
    slotMinutes: 1,
    quietWhenIdle: true,
    run: async () => {
      const fired = await deps.alerts.fireReached();
      if (fired > 0) void deps.delivery.deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'notification delivery failed'));
      return { fired };
    },
  };
}

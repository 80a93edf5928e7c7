import { GrammyError, type Api } from 'grammy';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import { RecipientUnreachableError, type NotificationDelivery, type OutgoingNotification } from '../services/notifications.ts';
import { html } from '../ui/html.ts';

/** Sends one notification; a user who blocked the bot (or is gone) is reported as unreachable, not retried. */
export function telegramNotificationSender(api: Api): (notification: OutgoingNotification) => Promise<void> {
  return async ({ telegramId, title, message }) => {
    const text = title ? html`<b>${title}</b>\n${message}` : html`${message}`;
    try {
      await api.sendMessage(telegramId, text.value);
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description))) {
        throw new RecipientUnreachableError(error.description);
      }
      throw error;
    }
  };
}

/**
 * Delivers the outbox every 15 seconds: retries of failed sends, and anything a crash left behind. Decisions
 * also trigger a delivery right after their commit, so users rarely wait for this. Several instances may run
 * it at once: each notification is claimed by exactly one (SKIP LOCKED).
 */
export function scheduleNotificationDelivery(delivery: NotificationDelivery, logger: Logger): ScheduledTask {
  return cron.schedule(
    '*/15 * * * * *',
    async () => {
      await delivery.deliverDue().catch((error: unknown) => logger.error({ err: error }, 'notification delivery failed'));
    },
    { name: 'deliver-notifications', noOverlap: true },
  );
}

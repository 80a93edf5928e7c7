import { GrammyError, type Api } from 'grammy';
import { RecipientUnreachableError, type OutgoingNotification } from '../../services/notifications/delivery.ts';
import { html } from '../../telegram/html.ts';

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

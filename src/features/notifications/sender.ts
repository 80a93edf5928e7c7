import { GrammyError, InputFile, type Api } from 'grammy';
import { RateLimitedError, RecipientUnreachableError, type OutgoingNotification } from '../../services/notifications/delivery.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import { notificationText } from '../../telegram/notificationText.ts';

/**
 * Sends one notification (a picture with it as the caption, when it has one). A user who blocked the bot (or is
 * gone) is reported as unreachable, not retried; a 429 that outlasted auto-retry as rate-limited, retried later.
 */
export function telegramNotificationSender(api: Api, media: MediaStore): (notification: OutgoingNotification, deadline: AbortSignal) => Promise<void> {
  return async (notification, deadline) => {
    const text = notificationText(notification).value;
    // grammY types a call's signal as its AbortController shim's; a standard AbortSignal works the same.
    const signal = deadline as unknown as Parameters<Api['sendMessage']>[3];
    try {
      if (notification.photo) await api.sendPhoto(notification.telegramId, new InputFile(media.absolutePath(notification.photo)), { caption: text }, signal);
      else await api.sendMessage(notification.telegramId, text, undefined, signal);
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description))) {
        throw new RecipientUnreachableError(error.description);
      }
      if (error instanceof GrammyError && error.error_code === 429) {
        throw new RateLimitedError(error.description, error.parameters.retry_after ?? 30);
      }
      throw error;
    }
  };
}

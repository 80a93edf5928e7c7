import type { DatabasePool } from 'slonik';
import { claimDueNotifications, markNotificationFailed, markNotificationSent, type DueNotification } from '../../db/notifications.ts';
import { setBotBlocked } from '../../db/users.ts';
import type { Logger } from '../../logger.ts';

/** Thrown by a sender when the user cannot receive messages (blocked the bot, deleted the account). */
export class RecipientUnreachableError extends Error {}

export interface OutgoingNotification {
  telegramId: number;
  title: string | null;
  message: string;
}

export interface NotificationDelivery {
  /** Sends every due notification; returns how many were delivered. Safe to call from several places at once. */
  deliverDue(): Promise<number>;
  /** Sends one user's due notifications only (right after a decision about their request), whatever the backlog. */
  deliverTo(userId: number): Promise<number>;
  /** Resolves once no delivery of this process is in progress (before the pool closes at shutdown). */
  idle(): Promise<void>;
}

const BATCH_SIZE = 50;
const LEASE_SECONDS = 120;
const MAX_ATTEMPTS = 8;

/** Retry after 30 s, 1 min, 2 min … capped at an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

export function createNotificationDelivery(deps: {
  pool: DatabasePool;
  send: (notification: OutgoingNotification) => Promise<void>;
  logger: Logger;
}): NotificationDelivery {
  const { pool, send, logger } = deps;
  let running: Promise<number> | undefined;
  let again = false;

  const inProgress = new Set<Promise<unknown>>();
  function tracked<T>(work: Promise<T>): Promise<T> {
    inProgress.add(work);
    void work.finally(() => inProgress.delete(work)).catch(() => undefined);
    return work;
  }

  /** Sends one claimed notification; true when it was delivered. */
  async function deliver(notification: DueNotification): Promise<boolean> {
    if (notification.telegram_id === null || notification.blocked) {
      await markNotificationFailed(pool, notification.id, 'the user cannot receive messages (blocked the bot)', null);
      return false;
    }
    try {
      await send({ telegramId: notification.telegram_id, title: notification.title, message: notification.message });
      await markNotificationSent(pool, notification.id);
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof RecipientUnreachableError) {
        await setBotBlocked(pool, notification.telegram_id, true);
        await markNotificationFailed(pool, notification.id, reason, null);
      } else {
        const retry = notification.attempts >= MAX_ATTEMPTS ? null : retryDelaySeconds(notification.attempts);
        await markNotificationFailed(pool, notification.id, reason, retry);
        logger.warn({ notification_id: notification.id, attempts: notification.attempts, retry_in_s: retry, err: error }, 'notification not delivered');
      }
      return false;
    }
  }

  async function deliverBatch(userId?: number): Promise<number> {
    const due = await claimDueNotifications(pool, BATCH_SIZE, LEASE_SECONDS, userId);
    let delivered = 0;
    for (const notification of due) if (await deliver(notification)) delivered += 1;
    return due.length === BATCH_SIZE ? delivered + (await deliverBatch(userId)) : delivered;
  }

  async function drain(): Promise<number> {
    let delivered = 0;
    do {
      again = false;
      delivered += await deliverBatch();
    } while (again);
    return delivered;
  }

  return {
    deliverDue() {
      // One run at a time per process; a call during a run makes it go round once more.
      if (running) {
        again = true;
        return running;
      }
      running = tracked(drain().finally(() => (running = undefined)));
      return running;
    },
    deliverTo: (userId) => tracked(deliverBatch(userId)),
    async idle() {
      while (inProgress.size > 0) await Promise.allSettled([...inProgress]);
    },
  };
}

import type { DatabasePool } from 'slonik';
import {
  claimDueNotifications,
  markNotificationFailed,
  markNotificationSent,
  releaseClaimedNotifications,
  renewNotificationClaims,
  tryLockBulkDelivery,
  unlockBulkDelivery,
  type DueNotification,
} from '../../db/notifications.ts';
import { setBotBlocked } from '../../db/users.ts';
import type { Logger } from '../../logger.ts';
import { oneRunAtATime } from '../common/oneRunAtATime.ts';

/** Thrown by a sender when the user cannot receive messages (blocked the bot, deleted the account). */
export class RecipientUnreachableError extends Error {}

/** Thrown by a sender when Telegram still answers "too many requests" after its retries: try again after this long. */
export class RateLimitedError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface OutgoingNotification {
  telegramId: number;
  title: string | null;
  message: string;
  format: 'text' | 'html';
  /** A media store path: the notice is sent as this picture's caption. */
  photo: string | null;
}

export interface NotificationDelivery {
  /**
   * Sends every due notification, urgent ones first; returns how many were delivered. Safe to call from several
   * places at once; with several instances one delivers at a time (0 from the others), so the pace holds for all.
   */
  deliverDue(): Promise<number>;
  /** Sends one user's due notifications only (right after a decision about their request), whatever the backlog. */
  deliverTo(userId: number): Promise<number>;
  /**
   * At shutdown: no further batch of a backlog (a broadcast) is started, what is urgent and due is sent, and
   * every send in progress finishes. The rest waits in the outbox for the next start.
   */
  stop(): Promise<void>;
  /** Resolves once no delivery of this process is in progress. */
  idle(): Promise<void>;
}

// About a second of sending at Telegram's pace: at most two batches are handed to the pace at once, so an urgent
// notification (deliverTo) waits behind two seconds of a backlog at most.
const BATCH_SIZE = 25;
// A claimed row is skipped by other deliveries this long; a process that dies holding it delays it by at most this.
// The lease starts again right before the send, and the send is abandoned before the lease ends (Telegram's pace,
// a 429's retry_after five times over), so no other delivery can claim a row while its send may still go out.
export interface DeliveryTiming {
  leaseSeconds: number;
  /** Shorter than the lease: a send is abandoned while its row is still held. */
  sendDeadlineSeconds: number;
}
const TIMING: DeliveryTiming = { leaseSeconds: 360, sendDeadlineSeconds: 300 };
const MAX_ATTEMPTS = 8;

/** Retry after 30 s, 1 min, 2 min … capped at an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

interface Selection {
  userId?: number;
  urgentOnly?: boolean;
}

export function createNotificationDelivery(deps: {
  pool: DatabasePool;
  /** Sends one notification; a send still waiting when `deadline` aborts must not reach Telegram. */
  send: (notification: OutgoingNotification, deadline: AbortSignal) => Promise<void>;
  logger: Logger;
  /** The lease and the send's cut-off (tests shorten them). */
  timing?: DeliveryTiming;
}): NotificationDelivery {
  const { pool, send, logger } = deps;
  const { leaseSeconds, sendDeadlineSeconds } = deps.timing ?? TIMING;
  if (sendDeadlineSeconds >= leaseSeconds) throw new Error('a notification send must be cut off before its lease ends');
  let stopping = false;

  const inProgress = new Set<Promise<unknown>>();
  function tracked<T>(work: Promise<T>): Promise<T> {
    inProgress.add(work);
    void work.finally(() => inProgress.delete(work)).catch(() => undefined);
    return work;
  }

  async function recordFailure(notification: DueNotification, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof RecipientUnreachableError && notification.telegram_id !== null) {
      await setBotBlocked(pool, notification.telegram_id, true);
      await markNotificationFailed(pool, notification, reason, null);
    } else if (error instanceof RateLimitedError) {
      await markNotificationFailed(pool, notification, reason, error.retryAfterSeconds, false);
      logger.warn({ notification_id: notification.id, retry_in_s: error.retryAfterSeconds }, 'Telegram asked to slow down; notification rescheduled');
    } else {
      const retry = notification.attempts >= MAX_ATTEMPTS ? null : retryDelaySeconds(notification.attempts);
      await markNotificationFailed(pool, notification, reason, retry);
      logger.warn({ notification_id: notification.id, attempts: notification.attempts, retry_in_s: retry, err: error }, 'notification not delivered');
    }
  }

  /** Sends one claimed notification; true when it was delivered. */
  async function deliver(notification: DueNotification): Promise<boolean> {
    if (notification.telegram_id === null || notification.blocked) {
      await markNotificationFailed(pool, notification, 'the user cannot receive messages (blocked the bot)', null);
      return false;
    }
    const { telegram_id: telegramId, title, message, format, photo } = notification;
    try {
      await send({ telegramId, title, message, format, photo }, AbortSignal.timeout(sendDeadlineSeconds * 1000));
    } catch (error) {
      await recordFailure(notification, error);
      return false;
    }
    if (!(await markNotificationSent(pool, notification))) logger.warn({ notification_id: notification.id }, 'notification sent after its claim was taken over');
    return true;
  }

  /**
   * The claims of a batch that still hold their rows, renewed right before the batch goes out: a batch may wait
   * past its lease (a slow one before it), and another delivery may have claimed and sent its rows meanwhile.
   */
  async function stillHeld(batch: readonly DueNotification[]): Promise<DueNotification[]> {
    const held = await renewNotificationClaims(pool, batch, leaseSeconds);
    const lost = batch.filter((notification) => !held.has(notification.id));
    if (lost.length > 0) logger.info({ notification_ids: lost.map((notification) => notification.id) }, 'notifications left to the delivery that took over their claims');
    return batch.filter((notification) => held.has(notification.id));
  }

  /** Batch after batch until none is due; a bulk backlog stops between batches once the delivery is stopping. */
  async function drain(selection: Selection): Promise<number> {
    // A user's next notification is not claimed while one of theirs is still going out: theirs arrive in order.
    const claim = (sending: readonly DueNotification[] = []) =>
      claimDueNotifications(pool, BATCH_SIZE, leaseSeconds, { ...selection, exceptUserIds: sending.map((notification) => notification.user_id) });
    const count = (results: boolean[]) => results.filter(Boolean).length;
    let delivered = 0;
    let due = await claim();
    let previous: Promise<boolean[]> = Promise.resolve([]);
    while (due.length > 0) {
      // Each batch goes to the pace while the one before is still going out, and the next is claimed once that one
      // is done: the pace never runs dry between batches (a wait for the last answer of one would cost a tenth of
      // the rate), and at most two batches are claimed and not sent.
      const held = await stillHeld(due);
      const sending = Promise.all(held.map(deliver));
      delivered += count(await previous);
      previous = sending;
      let next = await claim(due);
      if (next.length === 0) {
        // Only the users of the batch going out have more: once it is out, theirs are next.
        delivered += count(await previous);
        previous = Promise.resolve([]);
        next = await claim();
      }
      const backlogStopped = stopping && selection.userId === undefined && !selection.urgentOnly;
      if (backlogStopped) {
        await releaseClaimedNotifications(pool, next);
        break;
      }
      due = next;
    }
    return delivered + count(await previous);
  }

  /** The backlog, by one instance at a time: its pace is then the pace of all. */
  const drainAlone = () =>
    pool.connect(async (connection) => {
      if (!(await tryLockBulkDelivery(connection))) return 0;
      try {
        return await drain({});
      } finally {
        await unlockBulkDelivery(connection);
      }
    });

  const backlog = oneRunAtATime(drainAlone, () => stopping);

  async function idle(): Promise<void> {
    while (inProgress.size > 0) await Promise.allSettled([...inProgress]);
  }

  return {
    deliverDue: () => tracked(backlog.run()),
    deliverTo: (userId) => tracked(drain({ userId })),
    async stop() {
      stopping = true;
      await tracked(drain({ urgentOnly: true }));
      await idle();
    },
    idle,
  };
}

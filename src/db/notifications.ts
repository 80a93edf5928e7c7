import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export interface NewNotification {
  userId: number;
  type: string;
  title: string;
  message: string;
}

/** Inserts an outbox row; `delivered` marks one whose text the user has already seen in the chat. */
export async function insertNotification(db: CommonQueryMethods, notification: NewNotification, delivered = false): Promise<number> {
  return db.oneFirst(sql.type(z.object({ id: z.number() }))`
    INSERT INTO notifications (user_id, notification_type, title, message, created_at, sent_at, next_attempt_at)
    VALUES (
      ${notification.userId}, ${notification.type}, ${notification.title}, ${notification.message}, now(),
      ${delivered ? sql.fragment`now()` : null}, ${delivered ? null : sql.fragment`now()`}
    )
    RETURNING id
  `);
}

const dueNotificationSchema = z.object({
  id: z.number(),
  telegram_id: z.number().nullable(),
  blocked: z.boolean(),
  title: z.string().nullable(),
  message: z.string(),
  attempts: z.number(),
});
export type DueNotification = z.infer<typeof dueNotificationSchema>;

/**
 * Claims due notifications for `leaseSeconds`: their next attempt moves past the lease, so another
 * instance skips them (SKIP LOCKED) and a crash mid-delivery only delays them. Oldest first.
 */
export async function claimDueNotifications(
  db: CommonQueryMethods,
  limit: number,
  leaseSeconds: number,
  /** Only this user's notifications. */
  userId?: number,
): Promise<readonly DueNotification[]> {
  return db.any(sql.type(dueNotificationSchema)`
    WITH due AS (
      SELECT id FROM notifications
       WHERE next_attempt_at <= now() ${userId === undefined ? sql.fragment`` : sql.fragment`AND user_id = ${userId}`}
       ORDER BY next_attempt_at, id
       LIMIT ${limit}
       FOR UPDATE SKIP LOCKED
    )
    UPDATE notifications n
       SET next_attempt_at = now() + make_interval(secs => ${leaseSeconds}), attempts = n.attempts + 1
      FROM due, users u
     WHERE n.id = due.id AND u.id = n.user_id
    RETURNING n.id, u.telegram_id, u.bot_blocked_at IS NOT NULL AS blocked, n.title, n.message, n.attempts
  `);
}

export async function markNotificationSent(db: CommonQueryMethods, id: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE notifications SET sent_at = now(), next_attempt_at = NULL, last_error = NULL WHERE id = ${id}`);
}

/** Records a failed attempt; `retryInSeconds` null means give up. */
export async function markNotificationFailed(db: CommonQueryMethods, id: number, error: string, retryInSeconds: number | null): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE notifications
       SET last_error = ${error.slice(0, 500)},
           next_attempt_at = ${retryInSeconds === null ? null : sql.fragment`now() + make_interval(secs => ${retryInSeconds})`}
     WHERE id = ${id}
  `);
}

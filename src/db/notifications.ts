import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { countRow, idRow } from './commonRows.ts';

const stateRow = z.object({ state: z.enum(['sent', 'waiting', 'failed']) });

/** Urgent rows (decisions, alerts, support answers) are claimed before bulk rows (broadcasts). */
export type NotificationPriority = 'urgent' | 'bulk';
const PRIORITY_VALUE: Record<NotificationPriority, number> = { urgent: 1, bulk: 0 };

export interface NewNotification {
  userId: number;
  type: string;
  title: string;
  message: string;
  /** 'text' is escaped when sent; 'html' is checked Telegram HTML. */
  format?: 'text' | 'html';
  /** A picture from the media store, sent with the text as its caption. */
  photo?: string | null;
  priority?: NotificationPriority;
}

/**
 * The INSERT of an outbox row, to run on its own or beside another write in one statement (a decision's audit
 * row); `delivered` marks one whose text the user has already seen (and so read) in the chat.
 */
export function notificationInsert(notification: NewNotification, delivered = false): FragmentSqlToken {
  return sql.fragment`
    INSERT INTO notifications (user_id, notification_type, title, message, format, photo, priority, read, created_at, sent_at, next_attempt_at)
    VALUES (
      ${notification.userId}, ${notification.type}, ${notification.title}, ${notification.message}, ${notification.format ?? 'text'},
      ${notification.photo ?? null}, ${PRIORITY_VALUE[notification.priority ?? 'urgent']}, ${delivered}, now(),
      ${delivered ? sql.fragment`now()` : null}, ${delivered ? null : sql.fragment`now()`}
    )
  `;
}

/** Inserts an outbox row; returns its id. */
export async function insertNotification(db: CommonQueryMethods, notification: NewNotification, delivered = false): Promise<number> {
  return db.oneFirst(sql.type(idRow)`${notificationInsert(notification, delivered)} RETURNING id`);
}

/** Due rows looked at per row claimed: room to find one each of several users behind a user with many waiting. */
const CANDIDATES_PER_CLAIMED = 4;

const dueNotificationSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  telegram_id: z.number().nullable(),
  blocked: z.boolean(),
  title: z.string().nullable(),
  message: z.string(),
  format: z.enum(['text', 'html']),
  photo: z.string().nullable(),
  attempts: z.number(),
  /** This claim's fencing token: the row is sent and recorded only while it still holds it. */
  claim_token: z.string(),
});
export type DueNotification = z.infer<typeof dueNotificationSchema>;

/**
 * Claims due notifications for `leaseSeconds`: their next attempt moves past the lease, so another
 * instance skips them (SKIP LOCKED) and a crash mid-delivery only delays them. Each claim gets a new token: once
 * the lease has run out another delivery may claim the row, and the first one's token no longer matches. Urgent before bulk, then oldest
 * first, and at most one per user: a batch is sent at once, while one chat's notifications go a second apart
 * (a user with many waiting would hold up the whole batch). The rest of a user's wait for the next batches.
 */
export async function claimDueNotifications(
  db: CommonQueryMethods,
  limit: number,
  leaseSeconds: number,
  only: { userId?: number; urgentOnly?: boolean; exceptUserIds?: readonly number[] } = {},
): Promise<readonly DueNotification[]> {
  const forUser = only.userId === undefined ? sql.fragment`` : sql.fragment`AND user_id = ${only.userId}`;
  const except = only.exceptUserIds?.length ? sql.fragment`AND user_id <> ALL(${sql.array(only.exceptUserIds, 'int8')})` : sql.fragment``;
  const urgent = only.urgentOnly ? sql.fragment`AND priority = ${PRIORITY_VALUE.urgent}` : sql.fragment``;
  return db.any(sql.type(dueNotificationSchema)`
    WITH candidates AS (
      SELECT id, user_id, priority, next_attempt_at AS due_at FROM notifications
       WHERE next_attempt_at <= now() ${forUser} ${urgent} ${except}
       ORDER BY priority DESC, next_attempt_at, id
       LIMIT ${limit * CANDIDATES_PER_CLAIMED}
       FOR UPDATE SKIP LOCKED
    ),
    due AS (
      SELECT id, priority, due_at FROM (
        SELECT DISTINCT ON (user_id) id, priority, due_at FROM candidates ORDER BY user_id, priority DESC, due_at, id
      ) first_of_each_user
       ORDER BY priority DESC, due_at, id
       LIMIT ${limit}
    ),
    claimed AS (
      UPDATE notifications n
         SET next_attempt_at = now() + make_interval(secs => ${leaseSeconds}), attempts = n.attempts + 1, claim_token = gen_random_uuid()
        FROM due, users u
       WHERE n.id = due.id AND u.id = n.user_id
      RETURNING n.id, n.user_id, u.telegram_id, u.bot_blocked_at IS NOT NULL AS blocked, n.title, n.message, n.format, n.photo, n.attempts, n.claim_token,
                due.priority, due.due_at
    )
    -- RETURNING keeps no order: sent in this order, urgent ones leave first.
    SELECT id, user_id, telegram_id, blocked, title, message, format, photo, attempts, claim_token FROM claimed ORDER BY priority DESC, due_at, id
  `);
}

/** A claim: the row and the token it was claimed with. */
export interface NotificationClaim {
  id: number;
  claim_token: string;
}

/** Gives claimed, unsent notifications back at once (their lease and the attempt it counted undone), those still held by these claims. */
export async function releaseClaimedNotifications(db: CommonQueryMethods, claims: readonly NotificationClaim[]): Promise<void> {
  if (claims.length === 0) return;
  await db.query(sql.unsafe`
    UPDATE notifications SET next_attempt_at = now(), attempts = attempts - 1
     WHERE claim_token = ANY(${sql.array(
       claims.map((claim) => claim.claim_token),
       'uuid',
     )}) AND sent_at IS NULL
  `);
}

/**
 * Right before a batch is sent: the claims that still hold their rows (nobody took them over, not sent), whose
 * leases start again from now, so the sends have the whole lease however long the batch waited after its claim.
 */
export async function renewNotificationClaims(db: CommonQueryMethods, claims: readonly NotificationClaim[], leaseSeconds: number): Promise<ReadonlySet<number>> {
  if (claims.length === 0) return new Set();
  const renewed = await db.anyFirst(sql.type(idRow)`
    UPDATE notifications SET next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
     WHERE claim_token = ANY(${sql.array(
       claims.map((claim) => claim.claim_token),
       'uuid',
     )}) AND sent_at IS NULL
    RETURNING id
  `);
  return new Set(renewed);
}

/** Records the send under the claim that made it; false when another claim holds the row now. */
export async function markNotificationSent(db: CommonQueryMethods, claim: NotificationClaim): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE notifications SET sent_at = now(), next_attempt_at = NULL, last_error = NULL
     WHERE id = ${claim.id} AND claim_token = ${claim.claim_token}
  `);
  return result.rowCount > 0;
}

/**
 * Records a failed attempt; `retryInSeconds` null means give up. `countsAsAttempt` false gives the attempt back
 * (Telegram asked the bot to slow down: the row is not at fault and must never run out of attempts for it).
 */
export async function markNotificationFailed(
  db: CommonQueryMethods,
  claim: NotificationClaim,
  error: string,
  retryInSeconds: number | null,
  countsAsAttempt = true,
): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE notifications
       SET last_error = ${error.slice(0, 500)},
           next_attempt_at = ${retryInSeconds === null ? null : sql.fragment`now() + make_interval(secs => ${retryInSeconds})`},
           attempts = ${countsAsAttempt ? sql.fragment`attempts` : sql.fragment`greatest(attempts - 1, 0)`}
     WHERE id = ${claim.id} AND claim_token = ${claim.claim_token} AND sent_at IS NULL
  `);
  return result.rowCount > 0;
}

/** 'sent', 'waiting' (due, or retried later) or 'failed' (given up: the user cannot be reached). */
export async function notificationDeliveryState(db: CommonQueryMethods, id: number): Promise<'sent' | 'waiting' | 'failed'> {
  return db.oneFirst(sql.type(stateRow)`
    SELECT CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN next_attempt_at IS NOT NULL THEN 'waiting' ELSE 'failed' END AS state
      FROM notifications WHERE id = ${id}
  `);
}

/** The user's unread notifications: one count on notifications_user_id_read_idx. */
export async function countUnreadNotifications(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`
    SELECT count(*)::int AS count FROM notifications WHERE user_id = ${userId} AND NOT read
  `);
}

export async function countNotifications(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM notifications WHERE user_id = ${userId}`);
}

const inboxRowSchema = z.object({
  id: z.number(),
  title: z.string().nullable(),
  message: z.string(),
  format: z.enum(['text', 'html']),
  photo: z.string().nullable(),
  read: z.boolean(),
  created_at: z.date(),
});
export type InboxRow = z.infer<typeof inboxRowSchema>;

/** A page of the user's notifications: unread first, newest first within each. */
export async function notificationPage(db: CommonQueryMethods, userId: number, page: { limit: number; offset: number }): Promise<readonly InboxRow[]> {
  return db.any(sql.type(inboxRowSchema)`
    SELECT id, title, message, format, photo, read, created_at FROM notifications
     WHERE user_id = ${userId}
     ORDER BY read, created_at DESC, id DESC
     LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

/** Marks one of the user's notifications read; false when it is not theirs or was read already. */
export async function markNotificationRead(db: CommonQueryMethods, userId: number, id: number): Promise<boolean> {
  const result = await db.query(sql.unsafe`UPDATE notifications SET read = true WHERE id = ${id} AND user_id = ${userId} AND NOT read`);
  return result.rowCount > 0;
}

export async function markAllNotificationsRead(db: CommonQueryMethods, userId: number): Promise<number> {
  const result = await db.query(sql.unsafe`UPDATE notifications SET read = true WHERE user_id = ${userId} AND NOT read`);
  return result.rowCount;
}

/** Advisory lock class of the outbox's delivery: one instance at a time sends the backlog (the bulk pace is per process). */
const BULK_DELIVERY_LOCK_CLASS = 31;
const lockedRow = z.object({ locked: z.boolean() });

/** Session-level, on a connection held for the run; false when another instance is delivering. */
export async function tryLockBulkDelivery(connection: CommonQueryMethods): Promise<boolean> {
  return connection.oneFirst(sql.type(lockedRow)`SELECT pg_try_advisory_lock(${BULK_DELIVERY_LOCK_CLASS}, 0) AS locked`);
}

export async function unlockBulkDelivery(connection: CommonQueryMethods): Promise<void> {
  await connection.query(sql.unsafe`SELECT pg_advisory_unlock(${BULK_DELIVERY_LOCK_CLASS}, 0)`);
}

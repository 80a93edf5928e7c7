import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { countRow } from './commonRows.ts';

const lastUserIdWrittenRow = z.object({ last_user_id: z.number().nullable(), written: z.number() });

const broadcastRowSchema = z.object({
  id: z.number(),
  message: z.string(),
  admin_name: z.string(),
  queued_up_to_user_id: z.number(),
  queued_at: z.date().nullable(),
  status_chat_id: z.number().nullable(),
  status_message_id: z.number().nullable(),
  status_text: z.string().nullable(),
  finished_at: z.date().nullable(),
  created_at: z.date(),
});
export type BroadcastRow = z.infer<typeof broadcastRowSchema>;

const columns = sql.fragment`
  id, message, admin_name, queued_up_to_user_id, queued_at, status_chat_id, status_message_id, status_text, finished_at, created_at
`;

export interface NewBroadcast {
  requestKey: string;
  message: string;
  admin: { telegramId: number; userId: number | null; name: string };
}

/** Inserts the broadcast once per request key; `created` false when that key made one already (returned as it is). */
export async function insertBroadcastOnce(db: CommonQueryMethods, broadcast: NewBroadcast): Promise<{ row: BroadcastRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(broadcastRowSchema)`
    INSERT INTO broadcasts (request_key, message, admin_telegram_id, admin_user_id, admin_name)
    VALUES (${broadcast.requestKey}, ${broadcast.message}, ${broadcast.admin.telegramId}, ${broadcast.admin.userId}, ${broadcast.admin.name})
    ON CONFLICT (request_key) DO NOTHING
    RETURNING ${columns}
  `);
  if (created) return { row: created, created: true };
  return { row: await db.one(sql.type(broadcastRowSchema)`SELECT ${columns} FROM broadcasts WHERE request_key = ${broadcast.requestKey}`), created: false };
}

export async function findBroadcast(db: CommonQueryMethods, id: number, options: { forUpdate?: boolean } = {}): Promise<BroadcastRow | null> {
  return db.maybeOne(sql.type(broadcastRowSchema)`
    SELECT ${columns} FROM broadcasts WHERE id = ${id} ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}
  `);
}

export async function unfinishedBroadcasts(db: CommonQueryMethods): Promise<readonly BroadcastRow[]> {
  return db.any(sql.type(broadcastRowSchema)`SELECT ${columns} FROM broadcasts WHERE finished_at IS NULL ORDER BY id`);
}

/** Who a broadcast reaches: active users with a Telegram chat who have not blocked the bot. */
const reachable = sql.fragment`u.is_active AND u.telegram_id IS NOT NULL AND u.bot_blocked_at IS NULL`;

export async function countReachableUsers(db: CommonQueryMethods): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM users u WHERE ${reachable}`);
}

/**
 * Writes the next `size` recipients' outbox rows (bulk priority, the broadcast's HTML), in one INSERT … SELECT,
 * and moves the broadcast's mark past them; marks it queued once no recipient is left. Call with the broadcast
 * row locked. Returns how many rows were written.
 */
export async function queueBroadcastBatch(db: CommonQueryMethods, broadcast: { id: number; title: string }, size: number): Promise<number> {
  const batch = await db.one(sql.type(lastUserIdWrittenRow)`
    WITH broadcast AS (SELECT id, message, queued_up_to_user_id FROM broadcasts WHERE id = ${broadcast.id}),
    batch AS (
      SELECT u.id FROM users u, broadcast b
       WHERE u.id > b.queued_up_to_user_id AND ${reachable}
       ORDER BY u.id
       LIMIT ${size}
    ),
    written AS (
      INSERT INTO notifications (user_id, notification_type, title, message, format, priority, broadcast_id, created_at, next_attempt_at)
      SELECT batch.id, 'BROADCAST', ${broadcast.title}, b.message, 'html', 0, b.id, now(), now() FROM batch, broadcast b
      ON CONFLICT (broadcast_id, user_id) WHERE broadcast_id IS NOT NULL DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT max(id) FROM batch) AS last_user_id, (SELECT count(*)::int FROM written) AS written
  `);
  await db.query(sql.unsafe`
    UPDATE broadcasts
       SET queued_up_to_user_id = coalesce(${batch.last_user_id}, queued_up_to_user_id),
           queued_at = ${batch.last_user_id === null ? sql.fragment`now()` : null}
     WHERE id = ${broadcast.id}
  `);
  return batch.written;
}

const progressSchema = z.object({ total: z.number(), sent: z.number(), failed: z.number() });
export type BroadcastCounts = z.infer<typeof progressSchema>;

/** Counted from the broadcast's outbox rows: sent, given up (blocked, unreachable), and all of them. */
export async function countBroadcastRows(db: CommonQueryMethods, id: number): Promise<BroadcastCounts> {
  return db.one(sql.type(progressSchema)`
    SELECT count(*)::int AS total,
           (count(*) FILTER (WHERE sent_at IS NOT NULL))::int AS sent,
           (count(*) FILTER (WHERE sent_at IS NULL AND next_attempt_at IS NULL))::int AS failed
      FROM notifications WHERE broadcast_id = ${id}
  `);
}

export async function setBroadcastStatus(db: CommonQueryMethods, id: number, status: { chatId: number; messageId: number; text: string }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE broadcasts
       SET status_chat_id = ${status.chatId}, status_message_id = ${status.messageId}, status_text = ${status.text}, status_edited_at = now()
     WHERE id = ${id}
  `);
}

/** True for the one caller that may edit the status now: none did in the last `seconds`. */
export async function claimBroadcastStatusEdit(db: CommonQueryMethods, id: number, seconds: number): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE broadcasts SET status_edited_at = now()
     WHERE id = ${id} AND (status_edited_at IS NULL OR status_edited_at <= now() - make_interval(secs => ${seconds}))
  `);
  return result.rowCount > 0;
}

/** True for the one caller that marks it finished. */
export async function markBroadcastFinished(db: CommonQueryMethods, id: number): Promise<boolean> {
  const result = await db.query(sql.unsafe`UPDATE broadcasts SET finished_at = now() WHERE id = ${id} AND finished_at IS NULL`);
  return result.rowCount > 0;
}

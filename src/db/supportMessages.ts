import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { countRow } from './commonRows.ts';

const supportMessageSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  author: z.enum(['user', 'support']),
  body: z.string().nullable(),
  photo: z.string().nullable(),
  admin_name: z.string().nullable(),
  created_at: z.date(),
});
export type SupportMessageRow = z.infer<typeof supportMessageSchema>;

const columns = sql.fragment`id, user_id, author, body, photo, admin_name, created_at`;

export interface NewSupportMessage {
  userId: number;
  author: 'user' | 'support';
  body: string | null;
  photo: string | null;
  /** The Telegram message it came from: the same message twice is stored once. */
  source: { chatId: number; messageId: number };
  admin?: { telegramId: number; name: string };
}

/** Null when that Telegram message is stored already. */
export async function insertSupportMessageOnce(db: CommonQueryMethods, message: NewSupportMessage): Promise<SupportMessageRow | null> {
  return db.maybeOne(sql.type(supportMessageSchema)`
    INSERT INTO support_messages (user_id, author, body, photo, source_chat_id, source_message_id, admin_telegram_id, admin_name)
    VALUES (${message.userId}, ${message.author}, ${message.body}, ${message.photo}, ${message.source.chatId}, ${message.source.messageId},
            ${message.admin?.telegramId ?? null}, ${message.admin?.name ?? null})
    ON CONFLICT (source_chat_id, source_message_id) DO NOTHING
    RETURNING ${columns}
  `);
}

export async function findSupportMessageBySource(db: CommonQueryMethods, source: { chatId: number; messageId: number }): Promise<SupportMessageRow | null> {
  return db.maybeOne(sql.type(supportMessageSchema)`
    SELECT ${columns} FROM support_messages WHERE source_chat_id = ${source.chatId} AND source_message_id = ${source.messageId}
  `);
}

export async function findSupportMessage(db: CommonQueryMethods, id: number): Promise<SupportMessageRow | null> {
  return db.maybeOne(sql.type(supportMessageSchema)`SELECT ${columns} FROM support_messages WHERE id = ${id}`);
}

export async function countSupportMessages(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM support_messages WHERE user_id = ${userId}`);
}

/** A user's thread, newest first; `beforeId` keeps only messages older than that one. */
export async function supportThreadPage(
  db: CommonQueryMethods,
  userId: number,
  page: { limit: number; offset: number; beforeId?: number },
): Promise<readonly SupportMessageRow[]> {
  const before = page.beforeId === undefined ? sql.fragment`` : sql.fragment`AND id < ${page.beforeId}`;
  return db.any(sql.type(supportMessageSchema)`
    SELECT ${columns} FROM support_messages WHERE user_id = ${userId} ${before}
     ORDER BY created_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

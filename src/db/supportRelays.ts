import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const userIdSupportMessageIdRow = z.object({ user_id: z.number(), support_message_id: z.number() });

/** Remembers a message the bot posted in the admin chat about a support message, so a reply to it answers that thread. */
export async function insertSupportRelay(db: CommonQueryMethods, relay: { chatId: number; messageId: number; supportMessageId: number }): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO support_relays (chat_id, message_id, support_message_id) VALUES (${relay.chatId}, ${relay.messageId}, ${relay.supportMessageId})
    ON CONFLICT (chat_id, message_id) DO UPDATE SET support_message_id = excluded.support_message_id
  `);
}

/** The thread (its user) that a message in the admin chat belongs to, when it is one of the bot's relays. */
export async function findSupportRelay(db: CommonQueryMethods, chatId: number, messageId: number): Promise<{ user_id: number; support_message_id: number } | null> {
  return db.maybeOne(sql.type(userIdSupportMessageIdRow)`
    SELECT m.user_id, r.support_message_id FROM support_relays r JOIN support_messages m ON m.id = r.support_message_id
     WHERE r.chat_id = ${chatId} AND r.message_id = ${messageId}
  `);
}

export async function isSupportMessageRelayed(db: CommonQueryMethods, supportMessageId: number): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM support_relays WHERE support_message_id = ${supportMessageId}`);
}

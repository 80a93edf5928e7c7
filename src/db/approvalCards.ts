import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const chatIdMessageIdRow = z.object({ chat_id: z.number(), message_id: z.number() });

export async function insertApprovalCard(
  db: CommonQueryMethods,
  card: { kind: string; requestId: number; chatId: number; messageId: number },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO approval_cards (request_kind, request_id, chat_id, message_id)
    VALUES (${card.kind}, ${card.requestId}, ${card.chatId}, ${card.messageId})
    ON CONFLICT (chat_id, message_id) DO NOTHING
  `);
}

export async function approvalCardMessages(
  db: CommonQueryMethods,
  kind: string,
  requestId: number,
): Promise<readonly { chat_id: number; message_id: number }[]> {
  return db.any(sql.type(chatIdMessageIdRow)`
    SELECT chat_id, message_id FROM approval_cards WHERE request_kind = ${kind} AND request_id = ${requestId} ORDER BY id
  `);
}

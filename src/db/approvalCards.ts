import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const cardMessageRow = z.object({ chat_id: z.number(), message_id: z.number(), shown_digest: z.string().nullable() });
export type CardMessage = z.infer<typeof cardMessageRow>;

export async function insertApprovalCard(
  db: CommonQueryMethods,
  card: { kind: string; requestId: number; chatId: number; messageId: number; shownDigest?: string },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO approval_cards (request_kind, request_id, chat_id, message_id, shown_digest)
    VALUES (${card.kind}, ${card.requestId}, ${card.chatId}, ${card.messageId}, ${card.shownDigest ?? null})
    ON CONFLICT (chat_id, message_id) DO NOTHING
  `);
}

export async function approvalCardMessages(
  db: CommonQueryMethods,
  kind: string,
  requestId: number,
): Promise<readonly CardMessage[]> {
  return db.any(sql.type(cardMessageRow)`
    SELECT chat_id, message_id, shown_digest FROM approval_cards WHERE request_kind = ${kind} AND request_id = ${requestId} ORDER BY id
  `);
}

/** Remembers what a copy of a card shows now (after an edit went through or changed nothing). */
export async function recordApprovalCardShown(db: CommonQueryMethods, chatId: number, messageId: number, shownDigest: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE approval_cards SET shown_digest = ${shownDigest} WHERE chat_id = ${chatId} AND message_id = ${messageId}`);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf, countRow } from './commonRows.ts';
import { userRowSchema, type UserRow } from './users.ts';

const stateExpiredFlowsRow = z.object({ state: z.instanceof(Buffer).nullable(), expiredFlows: z.array(z.string()).nullable() });
const flowsRow = z.object({ flows: z.array(z.string()) });

/** A key's stored conversation: its sealed state, or, when it has none, the flows that expired under it. */
export type StoredConversation = z.infer<typeof stateExpiredFlowsRow>;

/** A key's state, or, when it has none, the flows that expired under it (one round trip for every update). */
export async function readConversationState(db: CommonQueryMethods, key: string): Promise<StoredConversation> {
  return db.one(sql.type(stateExpiredFlowsRow)`
    SELECT s.state, e.flows AS "expiredFlows"
      FROM (SELECT ${key}::text AS key) k
      LEFT JOIN conversation_states s ON s.key = k.key
      LEFT JOIN expired_conversations e ON e.key = k.key
  `);
}

const userAndConversationRow = z.looseObject({ registered: z.boolean(), ...stateExpiredFlowsRow.shape });

/**
 * What every update starts with, in one round trip: the user with this Telegram id (null when not registered)
 * and the conversation stored under `key`.
 */
export async function readUserAndConversation(db: CommonQueryMethods, telegramId: number, key: string): Promise<{ user: UserRow | null; conversation: StoredConversation }> {
  const row = await db.one(sql.type(userAndConversationRow)`
    SELECT u.id IS NOT NULL AS registered, ${columnsOf(userRowSchema, 'u')}, s.state, e.flows AS "expiredFlows"
      FROM (SELECT ${telegramId}::int8 AS telegram_id, ${key}::text AS key) k
      LEFT JOIN users u ON u.telegram_id = k.telegram_id
      LEFT JOIN conversation_states s ON s.key = k.key
      LEFT JOIN expired_conversations e ON e.key = k.key
  `);
  return { user: row.registered ? userRowSchema.parse(row) : null, conversation: { state: row.state, expiredFlows: row.expiredFlows } };
}

/** Saves a conversation's state (and which flows it holds); a conversation that goes on is no longer expired. */
export async function writeConversationState(db: CommonQueryMethods, key: string, state: Buffer, flows: readonly string[], at: Date): Promise<void> {
  await db.query(sql.unsafe`
    WITH revived AS (DELETE FROM expired_conversations WHERE key = ${key})
    INSERT INTO conversation_states (key, state, flows, updated_at) VALUES (${key}, ${sql.binary(state)}, ${sql.array(flows, 'text')}, ${at.toISOString()})
    ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state, flows = EXCLUDED.flows, updated_at = EXCLUDED.updated_at
  `);
}

export async function deleteConversationState(db: CommonQueryMethods, key: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM conversation_states WHERE key = ${key}`);
}

/** Deletes every conversation untouched since `cutoff`, leaving a marker per key; returns how many. */
export async function expireConversationsIdleSince(db: CommonQueryMethods, cutoff: Date): Promise<number> {
  return db.oneFirst(sql.type(countRow)`
    WITH gone AS (
      DELETE FROM conversation_states WHERE updated_at < ${cutoff.toISOString()} RETURNING key, flows
    ), marked AS (
      INSERT INTO expired_conversations (key, flows, expired_at) SELECT key, flows, now() FROM gone
      ON CONFLICT (key) DO UPDATE SET flows = EXCLUDED.flows, expired_at = EXCLUDED.expired_at
      RETURNING 1
    )
    SELECT count(*)::int AS count FROM marked
  `);
}

/** The flows that expired for a key, once (the marker is removed); null when nothing expired. */
export async function takeExpiredConversation(db: CommonQueryMethods, key: string): Promise<readonly string[] | null> {
  return db.maybeOneFirst(sql.type(flowsRow)`
    DELETE FROM expired_conversations WHERE key = ${key} RETURNING flows
  `);
}

/** Markers nobody came back for are dropped after a while. */
export async function deleteExpiryMarkersBefore(db: CommonQueryMethods, before: Date): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM expired_conversations WHERE expired_at < ${before.toISOString()}`);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { countRow } from './commonRows.ts';

const stateExpiredFlowsRow = z.object({ state: z.instanceof(Buffer).nullable(), expiredFlows: z.array(z.string()).nullable() });
const flowsRow = z.object({ flows: z.array(z.string()) });

/** A key's state, or, when it has none, the flows that expired under it (one round trip for every update). */
export async function readConversationState(db: CommonQueryMethods, key: string): Promise<{ state: Buffer | null; expiredFlows: string[] | null }> {
  return db.one(sql.type(stateExpiredFlowsRow)`
    SELECT s.state, e.flows AS "expiredFlows"
      FROM (SELECT ${key}::text AS key) k
      LEFT JOIN conversation_states s ON s.key = k.key
      LEFT JOIN expired_conversations e ON e.key = k.key
  `);
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

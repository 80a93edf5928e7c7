import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export async function readConversationState(db: CommonQueryMethods, key: string): Promise<Buffer | null> {
  return db.maybeOneFirst(sql.type(z.object({ state: z.instanceof(Buffer) }))`
    SELECT state FROM conversation_states WHERE key = ${key}
  `);
}

export async function writeConversationState(db: CommonQueryMethods, key: string, state: Buffer): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO conversation_states (key, state, updated_at) VALUES (${key}, ${sql.binary(state)}, now())
    ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
  `);
}

export async function deleteConversationState(db: CommonQueryMethods, key: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM conversation_states WHERE key = ${key}`);
}

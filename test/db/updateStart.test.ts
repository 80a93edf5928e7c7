import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUserAndConversation } from '../../src/db/conversationStates.ts';
import { findUserByTelegramId } from '../../src/db/users.ts';
import { startEmbeddedDatabase } from '../../src/db/setup/embedded.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(
    "INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at) VALUES (9101, 'esi9101', 'esi9101@example.com', 'x', now(), now(), now())",
  );
  await db.query("INSERT INTO conversation_states (key, state, flows, updated_at) VALUES ('9101:9101', '\\x0102'::bytea, '{deposit}', now())");
  await db.query("INSERT INTO expired_conversations (key, flows, expired_at) VALUES ('9102:9102', '{withdraw}', now())");
});
afterAll(async () => {
  await db.drop();
});

describe('the read every update starts with', () => {
  it('reads the user and the conversation stored under a key together', async () => {
    const read = await readUserAndConversation(db.pool, 9101, '9101:9101');
    expect(read.user).toEqual(await findUserByTelegramId(db.pool, 9101));
    expect(read.conversation).toEqual({ state: Buffer.from([1, 2]), expiredFlows: null });
  });

  it('reads no user for someone not registered, and the flows that expired under the key', async () => {
    expect(await readUserAndConversation(db.pool, 9102, '9102:9102')).toEqual({ user: null, conversation: { state: null, expiredFlows: ['withdraw'] } });
    expect(await readUserAndConversation(db.pool, 9101, '-100:9101')).toMatchObject({ user: { telegram_id: 9101 }, conversation: { state: null, expiredFlows: null } });
  });
});

describe('the embedded PostgreSQL', () => {
  it('is reached through a Unix socket in its data directory', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-socket-'));
    const database = await startEmbeddedDatabase(dataDir, createLogger('warn'));
    try {
      const host = decodeURIComponent(new URL(database.url).hostname);
      expect(host).toBe(path.join(dataDir, 'postgres'));
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ local: boolean }>('SELECT inet_client_addr() IS NULL AS local');
      await client.end();
      // A client over a Unix socket has no address.
      expect(rows[0]?.local).toBe(true);
    } finally {
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

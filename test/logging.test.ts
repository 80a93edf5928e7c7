import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { LogCapture } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { seedUser } from './support/users.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function loggedFailure(run: () => Promise<unknown>): Promise<string> {
  const capture = new LogCapture();
  const logger = createLogger('info', capture);
  const error: unknown = await run().then(
    () => new Error('expected a failure'),
    (failure: unknown) => failure,
  );
  logger.error({ err: error }, 'update failed');
  await new Promise((resolve) => setImmediate(resolve));
  return capture.text;
}

describe('logs', () => {
  it('never carry the values, rows or key details of a failed query', async () => {
    await seedUser(db, { id: 990101, first_name: 'Akua', last_name: 'Owusu', username: 'akua' }, { email: 'akua.owusu@example.com' });
    const duplicate = await loggedFailure(() =>
      db.pool.query(sql.unsafe`
        INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
        VALUES (990102, 'someone', ${'akua.owusu@example.com'}, ${'secret-pin-hash-GHA-123456789-0'}, now(), now(), now())
      `),
    );
    expect(duplicate).toContain('Query violates a unique integrity constraint');
    expect(duplicate).not.toContain('akua.owusu@example.com');
    expect(duplicate).not.toContain('GHA-123456789-0');

    const { z } = await import('zod');
    const badRow = await loggedFailure(() => db.pool.one(sql.type(z.object({ email: z.number() }))`SELECT email FROM users WHERE telegram_id = 990101`));
    expect(badRow).toContain('Query returned rows that do not conform with the schema');
    expect(badRow).not.toContain('akua.owusu@example.com');
  });

  it('are readable lines on a terminal and JSON otherwise', async () => {
    const terminal = new LogCapture();
    createLogger('info', terminal, { pretty: true }).info({ port: 8080 }, 'bot started');
    const json = new LogCapture();
    createLogger('info', json).info({ port: 8080 }, 'bot started');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(terminal.text).toMatch(/INFO.*bot started/);
    expect(() => JSON.parse(terminal.lines[0] ?? '') as unknown).toThrow();
    expect(JSON.parse(json.lines[0] ?? '{}')).toMatchObject({ msg: 'bot started', port: 8080, level: 30 });
  });
});

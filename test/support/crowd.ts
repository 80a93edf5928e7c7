import { notifyUser } from '../../src/services/notifications/outbox.ts';
import type { TestDatabase } from './database.ts';
import type { FakeTelegram, TestUser } from './fakeTelegram/index.ts';

/**
 * `count` registered users at once, Telegram ids from `firstId` on, in the fake Telegram and in the database
 * (one INSERT, for tests about many recipients; seedUser registers one through the service).
 */
export async function seedCrowd(db: TestDatabase, tg: FakeTelegram, count: number, firstId: number): Promise<TestUser[]> {
  const users = Array.from({ length: count }, (_, index) => tg.createUser({ id: firstId + index, first_name: `Crowd${index}` }));
  await db.query(
    `INSERT INTO users (telegram_id, username, email, password, first_name, last_name, date_joined, created_at, updated_at)
     SELECT t, 'crowd' || t, 'crowd' || t || '@example.com', 'not-a-pin-hash', 'Crowd' || (t - $1), 'Member', now(), now(), now()
       FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS t`,
    [firstId, count],
  );
  return users;
}

/** One notification per crowd member, through the outbox as every domain writes them, in one transaction. */
export async function notifyCrowd(db: TestDatabase, firstId: number, count: number, text: (telegramId: number) => string): Promise<void> {
  const rows = await db.query<{ id: string; telegram_id: string }>('SELECT id, telegram_id FROM users WHERE telegram_id BETWEEN $1 AND $2', [firstId, firstId + count - 1]);
  await db.pool.transaction(async (tx) => {
    for (const row of rows) await notifyUser(tx, Number(row.id), { type: 'TEST', title: 'Crowd notice', message: text(Number(row.telegram_id)) });
  });
}

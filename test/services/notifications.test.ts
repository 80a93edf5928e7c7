import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createNotificationDelivery, RecipientUnreachableError, type OutgoingNotification } from '../../src/services/notifications/delivery.ts';
import { notifyUser } from '../../src/services/notifications/outbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { seedUser } from '../support/users.ts';

let db: TestDatabase;
const logger = createLogger('silent');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

let nextTelegramId = 60_000;
async function user(): Promise<{ id: number; telegramId: number }> {
  nextTelegramId += 1;
  const row = await seedUser(db, { id: nextTelegramId, first_name: 'Nana', last_name: 'Ofori', username: undefined });
  return { id: row.id, telegramId: nextTelegramId };
}

async function notify(userId: number, message: string): Promise<number> {
  return db.pool.transaction((tx) => notifyUser(tx, userId, { type: 'TEST', title: 'Test', message }));
}

async function row(id: number) {
  const [found] = await db.query<{ sent_at: Date | null; attempts: number; last_error: string | null; retry_in_s: number | null }>(
    'SELECT sent_at, attempts, last_error, extract(epoch FROM next_attempt_at - now())::int AS retry_in_s FROM notifications WHERE id = $1',
    [id],
  );
  return found;
}

describe('notification delivery (outbox)', () => {
  it('delivers each due notification once, even with two deliveries running at once', async () => {
    const nana = await user();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, index) => notify(nana.id, `message ${index}`)));
    const sent: OutgoingNotification[] = [];
    const send = async (notification: OutgoingNotification) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      sent.push(notification);
    };
    const one = createNotificationDelivery({ pool: db.pool, send, logger });
    const two = createNotificationDelivery({ pool: db.pool, send, logger });
    const [a, b] = await Promise.all([one.deliverDue(), two.deliverDue()]);
    expect(a + b).toBe(30);
    expect(sent.filter((notification) => notification.telegramId === nana.telegramId)).toHaveLength(30);
    expect(new Set(sent.map((notification) => notification.message)).size).toBe(30);
    for (const id of ids) expect((await row(id))?.sent_at).toBeInstanceOf(Date);
  });

  it('retries a failed send later with backoff, then delivers it', async () => {
    const kwaku = await user();
    const id = await notify(kwaku.id, 'payout approved');
    let failing = true;
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        if (notification.telegramId !== kwaku.telegramId) return Promise.resolve();
        return failing ? Promise.reject(new Error('Internal Server Error')) : Promise.resolve();
      },
    });
    await delivery.deliverDue();
    expect(await row(id)).toMatchObject({ sent_at: null, attempts: 1, last_error: 'Internal Server Error' });
    expect((await row(id))?.retry_in_s).toBeGreaterThan(20);

    failing = false;
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE id = $1", [id]);
    await delivery.deliverDue();
    expect((await row(id))?.sent_at).toBeInstanceOf(Date);
  });

  it('marks a user who blocked the bot and skips their later notifications', async () => {
    const ama = await user();
    const first = await notify(ama.id, 'first');
    const calls: number[] = [];
    const delivery = createNotificationDelivery({
      pool: db.pool,
      logger,
      send: (notification) => {
        calls.push(notification.telegramId);
        return notification.telegramId === ama.telegramId
          ? Promise.reject(new RecipientUnreachableError('Forbidden: bot was blocked by the user'))
          : Promise.resolve();
      },
    });
    await delivery.deliverDue();
    expect(await row(first)).toMatchObject({ sent_at: null, retry_in_s: null, last_error: 'Forbidden: bot was blocked by the user' });
    const [blocked] = await db.query<{ bot_blocked_at: Date | null }>('SELECT bot_blocked_at FROM users WHERE id = $1', [ama.id]);
    expect(blocked?.bot_blocked_at).toBeInstanceOf(Date);

    const second = await notify(ama.id, 'second');
    const before = calls.filter((id) => id === ama.telegramId).length;
    await delivery.deliverDue();
    expect(calls.filter((id) => id === ama.telegramId).length).toBe(before);
    expect(await row(second)).toMatchObject({ sent_at: null, retry_in_s: null });
  });
});

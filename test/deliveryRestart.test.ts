import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { notifyCrowd, seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type TestUser } from './support/fakeTelegram/index.ts';
import { startBotProcess } from './support/process.ts';

const USERS = 150;
const FIRST_ID = 500_000;
// What the delivery sends at once (services/notifications/delivery.ts): the most a killed process can leave claimed.
const BATCH_SIZE = 25;

let db: TestDatabase;
let tg: FakeTelegram;
beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
});
afterAll(async () => {
  await tg.stop();
  await db.drop();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const reached = (users: readonly TestUser[]) => users.filter((user) => tg.messages(user.id).length > 0).length;

describe('a delivery process killed in the middle of a batch', () => {
  it('loses nothing once restarted, and sends again only what it had sent but not yet recorded', async () => {
    const users = await seedCrowd(db, tg, USERS, FIRST_ID);
    await notifyCrowd(db, FIRST_ID, USERS, (telegramId) => `Restart notice ${telegramId}.`);
    const env = { BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATABASE_URL: db.url };

    const first = startBotProcess(env);
    // The outbox is delivered at start; 40 is in the middle of the second batch of 25.
    await until(() => reached(users) >= 40, '40 deliveries');
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const deliveredBeforeKill = reached(users);
    expect(deliveredBeforeKill).toBeLessThan(USERS);

    // What the dead process had claimed (the batch it was sending and the next, claimed meanwhile) stays leased
    // for 6 minutes, then any delivery takes it again; here the lease is made to run out now instead of waiting.
    const leased = await db.query<{ telegram_id: string }>(
      `SELECT u.telegram_id FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.sent_at IS NULL AND n.next_attempt_at > now()`,
    );
    expect(leased.length).toBeLessThanOrEqual(2 * BATCH_SIZE);
    await db.query("UPDATE notifications SET next_attempt_at = next_attempt_at - interval '360 seconds' WHERE sent_at IS NULL AND next_attempt_at > now()");

    const second = startBotProcess(env);
    await until(() => reached(users) === USERS, 'every user to be reached');
    await tg.settle(300, { timeout: 20_000 });
    expect(await second.stop('SIGTERM')).toBe(0);

    const [rows] = await db.query<{ unsent: number }>('SELECT count(*)::int AS unsent FROM notifications WHERE sent_at IS NULL');
    expect(rows?.unsent).toBe(0);
    const leasedIds = new Set(leased.map((row) => Number(row.telegram_id)));
    for (const user of users) {
      const texts = tg.messages(user.id).map((message) => message.text);
      expect(new Set(texts)).toEqual(new Set([`Crowd notice\nRestart notice ${user.id}.`]));
      // Twice only for a row Telegram took from the killed process before it could record it as sent.
      if (texts.length > 1) expect(leasedIds.has(user.id)).toBe(true);
      expect(texts.length).toBeLessThanOrEqual(2);
    }
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type TestUser } from './support/fakeTelegram/index.ts';

/**
 * The two lanes through the bot and a fake with Telegram's limits (30 bulk messages a second, a chat's burst of 3
 * then 1 a second, answers over 5 a second per chat), the bot at its production limits: a broadcast to 2,000 users
 * goes out at the bulk pace (about 72 s) while people write to the bot and are answered at once.
 */
const RECIPIENTS = 2000;
const FIRST_RECIPIENT = 700_000;
/** People who write during the broadcast, two a second. */
const FIRST_WRITER = 720_000;
const ADMIN_ID = 960_001;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Kofi', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], sendingLimits: TELEGRAM_SENDING_LIMITS, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
});
afterAll(async () => {
  await bot.stop();
  await tg.stop();
  await db.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('a broadcast in the bulk lane', () => {
  it('reaches 2,000 users at over 0.9 of the allowed rate with no 429 after its first second, while people writing meanwhile are answered at once', async () => {
    await seedCrowd(db, tg, RECIPIENTS, FIRST_RECIPIENT);
    // When each message reached Telegram: the broadcast's, and the first answer to each writer after they wrote.
    const broadcastAt: number[] = [];
    const wroteAt = new Map<number, number>();
    const answeredAt = new Map<number, number>();
    const stopListening = tg.onCall((call) => {
      if (!call.ok || call.method !== 'sendMessage') return;
      const chatId = Number(call.params.chat_id);
      if (chatId >= FIRST_RECIPIENT && chatId < FIRST_RECIPIENT + RECIPIENTS) broadcastAt.push(call.time);
      else if (wroteAt.has(chatId) && !answeredAt.has(chatId)) answeredAt.set(chatId, call.time);
    });

    await admin.send('/broadcast');
    await tg.waitForMessage(admin.id, 'type the message for every user');
    await admin.send('Better rates from today.');
    await admin.tap(await tg.waitForMessage(admin.id, 'Send it to 2,000 users'), '✅ Send to 2,000 users');
    await until(() => broadcastAt.length > 0, 'the broadcast to start', 10_000);

    // Two people a second write while it goes out.
    let writers = 0;
    while (broadcastAt.length < RECIPIENTS - 100) {
      for (let index = 0; index < 2; index += 1) {
        const writer = tg.createUser({ id: FIRST_WRITER + writers, first_name: `Writer${writers}` });
        writers += 1;
        wroteAt.set(writer.id, Date.now());
        void writer.send('/help');
      }
      await sleep(1000);
    }
    await until(() => broadcastAt.length === RECIPIENTS, 'the broadcast to reach everyone', 30_000);
    await until(() => answeredAt.size === writers, 'every writer to be answered', 10_000);
    stopListening();

    // Everyone once, at over 0.9 of the 30 a second Telegram allows, and no 429 after the first second.
    for (let index = 0; index < RECIPIENTS; index += 1) expect(tg.messages(FIRST_RECIPIENT + index)).toHaveLength(1);
    const first = Math.min(...broadcastAt);
    const perSecond = (RECIPIENTS - 1) / ((Math.max(...broadcastAt) - first) / 1000);
    expect(perSecond).toBeGreaterThanOrEqual(0.9 * TELEGRAM_RATE_LIMITS.bulkPerSecond);
    expect(tg.rateLimitedCalls.filter((call) => call.time > first + 1000)).toEqual([]);
    // Each writer answered at once, not behind the broadcast's queue.
    expect(writers).toBeGreaterThan(100);
    for (const [writer, at] of wroteAt) expect((answeredAt.get(writer) ?? Infinity) - at).toBeLessThan(2000);
  }, 115_000);
});

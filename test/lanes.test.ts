import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type TestUser } from './support/fakeTelegram/index.ts';

/**
 * The two lanes through the bot and a fake with Telegram's limits (30 bulk messages a second, a chat's burst of 3
 * then 1 a second, answers over 5 a second per chat), the bot at its production limits: a broadcast to 2,000 users
 * goes out at the bulk pace (about 72 s) while 1,000 other people write to the bot and are answered at once.
 */
const RECIPIENTS = 2000;
const FIRST_RECIPIENT = 700_000;
const TALKERS = 1000;
const FIRST_TALKER = 720_000;
/** Talkers start writing this many a second, in waves. */
const TALKERS_PER_SECOND = 100;
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

describe('answers and bulk sends in two lanes', () => {
  it('broadcasts to 2,000 users at over 0.9 of the allowed rate with no 429 after its first second, while 1,000 people writing meanwhile are each answered at once', async () => {
    await seedCrowd(db, tg, RECIPIENTS, FIRST_RECIPIENT);
    const talkers = Array.from({ length: TALKERS }, (_, index) => tg.createUser({ id: FIRST_TALKER + index, first_name: `Talker${index}` }));
    // When each message reached Telegram: the broadcast's, and the first answer to each talker after they wrote.
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
    await admin.tap(await tg.waitForMessage(admin.id, `Send it to ${RECIPIENTS} users`), `✅ Send to ${RECIPIENTS} users`);
    await until(() => broadcastAt.length > 0, 'the broadcast to start', 10_000);

    // A thousand people write while it goes out: a hundred a second for ten seconds.
    for (let first = 0; first < TALKERS; first += TALKERS_PER_SECOND) {
      const wave = Date.now();
      for (const talker of talkers.slice(first, first + TALKERS_PER_SECOND)) {
        wroteAt.set(talker.id, Date.now());
        void talker.send('/help');
      }
      await sleep(Math.max(0, 1000 - (Date.now() - wave)));
    }
    await until(() => answeredAt.size === TALKERS, 'every talker to be answered', 30_000);
    const lastAnswer = Math.max(...answeredAt.values());
    await until(() => broadcastAt.length === RECIPIENTS, 'the broadcast to reach everyone', 90_000);
    stopListening();

    // Every answer went out at once: none waited behind the broadcast's queue (behind it, the thousand answers alone
    // would have needed 36 s at the bulk pace).
    const waits = talkers.map((talker) => (answeredAt.get(talker.id) ?? Infinity) - (wroteAt.get(talker.id) ?? 0)).toSorted((a, b) => a - b);
    expect(waits.at(-1)).toBeLessThan(2000);
    expect(waits[Math.floor(waits.length / 2)]).toBeLessThan(500);
    for (const talker of talkers) expect(tg.messages(talker.id).map((message) => message.text?.split('\n')[0])).toEqual(['What I can do']);
    // …while the broadcast was still going out.
    const first = Math.min(...broadcastAt);
    const last = Math.max(...broadcastAt);
    expect(last).toBeGreaterThan(lastAnswer + 10_000);

    // Everyone once, at over 0.9 of the 30 a second Telegram allows, and no 429 after the first second.
    for (let index = 0; index < RECIPIENTS; index += 1) expect(tg.messages(FIRST_RECIPIENT + index)).toHaveLength(1);
    const perSecond = (RECIPIENTS - 1) / ((last - first) / 1000);
    expect(perSecond).toBeGreaterThanOrEqual(0.9 * TELEGRAM_RATE_LIMITS.bulkPerSecond);
    expect(tg.rateLimitedCalls.filter((call) => call.time > first + 1000)).toEqual([]);
  }, 115_000);
});

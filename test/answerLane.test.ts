import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { notifyCrowd, seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS } from './support/fakeTelegram/index.ts';

/**
 * The answers lane through the bot and a fake with Telegram's limits, the bot at its production limits: while a
 * backlog of notifications goes out at the bulk pace, 1,000 people write within half a minute (35 a second) and are
 * answered at once. Behind the bulk pace (28 a second) their answers alone would take 36 seconds, the backlog's aside.
 */
const BACKLOG = 1000;
const FIRST_RECIPIENT = 740_000;
const TALKERS = 1000;
const FIRST_TALKER = 760_000;
const TALKERS_PER_SECOND = 35;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  bot = await startTestBot({ db, tg, sendingLimits: TELEGRAM_SENDING_LIMITS, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
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

describe('the answers lane', () => {
  it('answers 1,000 people writing within half a minute at once, none waiting on the bulk sends going out meanwhile', async () => {
    await seedCrowd(db, tg, BACKLOG, FIRST_RECIPIENT);
    await notifyCrowd(db, FIRST_RECIPIENT, BACKLOG, (telegramId) => `Your notice number ${telegramId}.`);
    const talkers = Array.from({ length: TALKERS }, (_, index) => tg.createUser({ id: FIRST_TALKER + index, first_name: `Talker${index}` }));
    const bulkAt: number[] = [];
    const wroteAt = new Map<number, number>();
    const answeredAt = new Map<number, number>();
    const stopListening = tg.onCall((call) => {
      if (!call.ok || call.method !== 'sendMessage') return;
      const chatId = Number(call.params.chat_id);
      if (chatId >= FIRST_RECIPIENT && chatId < FIRST_RECIPIENT + BACKLOG) bulkAt.push(call.time);
      else if (wroteAt.has(chatId) && !answeredAt.has(chatId)) answeredAt.set(chatId, call.time);
    });
    const backlog = bot.notifications.deliverDue();
    try {
      await until(() => bulkAt.length > 0, 'the backlog to start', 10_000);

      for (let first = 0; first < TALKERS; first += TALKERS_PER_SECOND) {
        const wave = Date.now();
        for (const talker of talkers.slice(first, first + TALKERS_PER_SECOND)) {
          wroteAt.set(talker.id, Date.now());
          void talker.send('/help');
        }
        await sleep(Math.max(0, 1000 - (Date.now() - wave)));
      }
      await until(() => answeredAt.size === TALKERS, 'every talker to be answered', 30_000);
      const firstWrote = Math.min(...wroteAt.values());
      const lastAnswer = Math.max(...answeredAt.values());
      const bulkMeanwhile = bulkAt.filter((at) => at <= lastAnswer).length;
      stopListening();

      for (const talker of talkers) expect(tg.messages(talker.id).map((message) => message.text?.split('\n')[0])).toEqual(['What I can do']);
      // The backlog was going out the whole time, at its pace.
      expect(bulkMeanwhile).toBeLessThan(BACKLOG);
      expect(Math.max(...bulkAt.filter((at) => at <= lastAnswer)) - Math.min(...bulkAt)).toBeGreaterThan(15_000);
      // All answered faster than any paced lane could have sent them (1,000 at 28 a second: 36 s), and each soon after
      // it was asked: the answers went out beside the bulk sends, not behind them.
      const answersPerSecond = TALKERS / ((lastAnswer - firstWrote) / 1000);
      const waits = talkers.map((talker) => (answeredAt.get(talker.id) ?? Infinity) - (wroteAt.get(talker.id) ?? 0)).toSorted((a, b) => a - b);
      expect(answersPerSecond).toBeGreaterThan(TELEGRAM_SENDING_LIMITS.messagesPerSecond);
      expect(waits[Math.floor(waits.length / 2)]).toBeLessThan(1000);
      expect(waits.at(-1)).toBeLessThan(3000);
    } finally {
      // The rest of the backlog stays in the outbox.
      await bot.notifications.stop();
      await backlog;
    }
  }, 100_000);

  it("keeps a fast user's answers within a chat's burst: eight commands at once are all answered, none refused", async () => {
    const user = tg.createUser({ id: FIRST_TALKER + TALKERS, first_name: 'Quick' });
    const refusedBefore = tg.rejectedCalls.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => user.send('/help')));
    await until(() => tg.messages(user.id).length === 8, 'eight answers', 10_000);
    expect(tg.rejectedCalls.slice(refusedBefore)).toEqual([]);
    // Five at once, the rest a second after the first were answered, not after a 429's wait and a second try.
    const times = tg.calls.filter((call) => call.ok && Number(call.params.chat_id) === user.id).map((call) => call.time - started);
    expect(times.slice(0, 5).every((time) => time < 1000)).toBe(true);
    expect(Math.max(...times)).toBeLessThan(2500);
  });
});

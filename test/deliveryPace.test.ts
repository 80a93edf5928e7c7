import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { notifyCrowd, seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS } from './support/fakeTelegram/index.ts';

/**
 * Telegram's real limits on both sides: the fake answers 429 over 1 call a second per chat and 30 a second in all,
 * and the bot runs with the limits it uses in production. 2,000 notifications take about 80 seconds.
 */
const USERS = 2000;
const FIRST_ID = 400_000;
// What the delivery sends at once (services/notifications/delivery.ts); notices written together go out by id.
const BATCH_SIZE = 25;
/** The last users of the crowd get two notices more, written after everyone's: they queue behind the whole crowd. */
const BUSY = 5;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  bot = await startTestBot({ db, tg, sendingLimits: TELEGRAM_SENDING_LIMITS });
});
afterAll(async () => {
  await bot.stop();
  await tg.stop();
  await db.drop();
});

describe('delivery at Telegram pace', () => {
  it("delivers 2,000 notifications to 2,000 chats exactly once each, each chat's next a second after its last, waiting out 429s, and stays under the limit after the first", async () => {
    const users = await seedCrowd(db, tg, USERS, FIRST_ID);
    await notifyCrowd(db, FIRST_ID, USERS, (telegramId) => `Your notice number ${telegramId}.`);
    const busy = users.slice(-BUSY);
    for (const label of ['A', 'B']) await notifyCrowd(db, FIRST_ID + USERS - BUSY, BUSY, (telegramId) => `Follow-up ${label} ${telegramId}.`);

    // Another process with the same token (an instance that just restarted, a script) has used up this second.
    const others = Array.from({ length: 30 }, (_, index) => tg.createUser({ id: FIRST_ID + USERS + index, first_name: 'Bystander' }));
    const otherProcess = new Api(tg.token, { apiRoot: tg.apiRoot });
    await Promise.all(others.map((other) => otherProcess.sendMessage(other.id, 'sent by another process')));

    // Half a minute in, right after the first send of a batch, the whole process stops for a second (a long garbage
    // collection, a starved CPU): the rest of the batch, due meanwhile, must not all go at once when it wakes up.
    const stopFreezing = tg.onCall((call) => {
      if (!call.ok || Number(call.params.chat_id) !== FIRST_ID + 20 * BATCH_SIZE) return;
      const frozenUntil = Date.now() + 1000;
      while (Date.now() < frozenUntil) {
        // Busy: no timer, no socket, nothing else runs.
      }
    });

    const started = Date.now();
    expect(await bot.notifications.deliverDue()).toBe(USERS + 2 * BUSY);
    const seconds = (Date.now() - started) / 1000;
    stopFreezing();

    for (const user of users) {
      const received = tg.messages(user.id).map((message) => message.text);
      const followUps = busy.includes(user) ? ['A', 'B'].map((label) => `Crowd notice\nFollow-up ${label} ${user.id}.`) : [];
      expect(received).toEqual([`Crowd notice\nYour notice number ${user.id}.`, ...followUps]);
    }
    const [rows] = await db.query<{ sent: number; unsent: number }>(
      'SELECT count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM notifications',
    );
    expect(rows).toEqual({ sent: USERS + 2 * BUSY, unsent: 0 });
    // Each busy chat's notices a second apart as Telegram received them, although the first waited in the queue.
    for (const user of busy) {
      const times = tg.callsTo('sendMessage').filter((call) => call.ok && Number(call.params.chat_id) === user.id).map((call) => call.time);
      expect(times).toHaveLength(3);
      for (const [index, time] of times.slice(1).entries()) expect(time - (times[index] ?? 0)).toBeGreaterThanOrEqual(1000);
    }

    // The first calls met the other process's second: Telegram said wait, auto-retry waited and sent them again.
    const limited = tg.rateLimitedCalls;
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((call) => call.error?.parameters?.retry_after === 1)).toBe(true);
    const first = Math.min(...limited.map((call) => call.time));
    // Once that second was over, the throttler kept the bot under both limits for the rest of the run, the pause included.
    expect(limited.filter((call) => call.time > first + 2000)).toEqual([]);
    // 30 a second is the ceiling; the bot aims at 28, evenly spaced.
    expect(seconds).toBeGreaterThan(USERS / 30);
    expect(seconds).toBeLessThan(USERS / 20 + 5);
  }, 240_000);
});

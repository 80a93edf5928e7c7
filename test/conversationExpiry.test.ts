import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { TestClock, verifiedUser } from './support/flows.ts';

const MINUTE = 60_000;
const ADMIN_ID = 8190;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let admin: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Akua', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  clock = new TestClock();
  bot = await startTestBot({ db, tg, clock: clock.now, adminIds: [ADMIN_ID] });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
});

const states = async (userId: number) =>
  db.query<{ flows: string[] }>('SELECT flows FROM conversation_states WHERE key = $1', [`${userId}:${userId}`]);

describe('a conversation left without an answer', () => {
  it('is deleted after 30 minutes, and the user who comes back is told nothing was saved', async () => {
    const esi = await verifiedUser(db, tg, 8101, 'Esi');
    await esi.send('/deposit');
    await esi.tap(await tg.waitForMessage(esi.id, 'How will you send the cedis?'), '📱 Mobile money');
    await tg.waitForMessage(esi.id, 'How much will you deposit?');
    await tg.settle();
    expect(await states(esi.id)).toEqual([{ flows: ['deposit'] }]);

    clock.advance(29 * MINUTE);
    await bot.runJob('expire-conversations');
    expect(await states(esi.id)).toHaveLength(1);
    clock.advance(2 * MINUTE);
    await bot.runJob('expire-conversations');
    expect(await states(esi.id)).toEqual([]);

    await esi.send('250');
    await tg.waitForMessage(esi.id, 'What you were doing was closed after 30 minutes without an answer, so nothing from it was saved. Send /deposit to start again.');
    await tg.settle();
    expect(tg.messages(esi.id).some((message) => message.text?.includes('Pay exactly'))).toBe(false);
    expect(await db.query("SELECT 1 FROM cash_deposits d JOIN users u ON u.id = d.user_id WHERE u.telegram_id = $1", [esi.id])).toEqual([]);
    // Told once: the next message is handled as any other.
    await esi.send('hello');
    await tg.waitForMessage(esi.id, "Sorry, I didn't understand that");
  });

  it('lives on while the user answers, and a command after an expiry is still handled', async () => {
    const kofi = await verifiedUser(db, tg, 8102, 'Kofi');
    await kofi.send('/deposit');
    clock.advance(20 * MINUTE);
    await kofi.tap(await tg.waitForMessage(kofi.id, 'How will you send the cedis?'), '🏦 Bank');
    await tg.waitForMessage(kofi.id, 'How much will you deposit?');
    await tg.settle();
    // 35 minutes after it started, but 15 after the last answer: still open.
    clock.advance(15 * MINUTE);
    await bot.runJob('expire-conversations');
    expect(await states(kofi.id)).toHaveLength(1);
    clock.advance(16 * MINUTE);
    await bot.runJob('expire-conversations');
    await kofi.send('/wallet');
    await tg.waitForMessage(kofi.id, 'Send /deposit to start again.');
    await tg.waitForMessage(kofi.id, 'Your wallet');
  });

  it('handles the first tap after the notice: a main-menu button, or a button in the admin group', async () => {
    const yaw = await verifiedUser(db, tg, 8105, 'Yaw');
    await yaw.send('/deposit');
    await tg.waitForMessage(yaw.id, 'How will you send the cedis?');
    await admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    const settings = await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    await admin.tap(settings, '✏️ Spread', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Spread is now');
    await tg.settle();
    clock.advance(31 * MINUTE);
    await bot.runJob('expire-conversations');

    await yaw.send('💰 Wallet');
    await tg.waitForMessage(yaw.id, 'Send /deposit to start again.');
    await tg.waitForMessage(yaw.id, 'Your wallet');

    const answer = await admin.tapAndAwaitAnswer(settings, '✏️ Escrow fee', { chatId: ADMIN_CHAT_ID });
    expect(answer.show_alert).toBeFalsy();
    const notice = await tg.waitForMessage(ADMIN_CHAT_ID, 'What you were doing was closed after 30 minutes without an answer');
    expect(notice.text).toContain('Akua: ⌛');
    expect(notice.text).toContain('Send /settings to start again.');
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Escrow fee is now');
  });

  it('leaves the notice of an expiry for 30 days, then the job forgets it', async () => {
    await db.query(
      `INSERT INTO expired_conversations (key, flows, expired_at)
       VALUES ('8103:8103', ARRAY['deposit'], $1::timestamptz - interval '31 days'), ('8104:8104', ARRAY['sell'], $1::timestamptz - interval '29 days')`,
      [clock.now().toISOString()],
    );
    await bot.runJob('expire-conversations');
    expect(await db.query("SELECT key FROM expired_conversations WHERE key IN ('8103:8103', '8104:8104')")).toEqual([{ key: '8104:8104' }]);
  });
});

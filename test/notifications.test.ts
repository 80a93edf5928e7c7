import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifyUser } from '../src/services/notifications/outbox.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { setPrice, TestClock, verifiedUser } from './support/flows.ts';

const ADMIN_ID = 952_001;
const MINUTE = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let nextUserId = 952_100;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  clock = new TestClock();
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], clock: clock.now, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

async function newUser(name: string): Promise<{ user: TestUser; id: number }> {
  nextUserId += 1;
  const user = await verifiedUser(db, tg, nextUserId, name);
  const [row] = await db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [user.id]);
  return { user, id: Number(row?.id) };
}

/** A notice as a domain writes it, delivered by the outbox job. */
async function notify(userId: number, title: string, message: string): Promise<void> {
  await db.pool.transaction((tx) => notifyUser(tx, userId, { type: 'TEST', title, message }));
}

const buttons = (message: ChatMessage | undefined) =>
  message?.reply_markup && 'inline_keyboard' in message.reply_markup ? message.reply_markup.inline_keyboard.flat().map((button) => button.text) : [];

describe('/notifications', () => {
  it('lists unread first, five a page with their times in Accra, marks one or all read, and counts the unread on the main menu', async () => {
    const { user: abena, id } = await newUser('Abena');
    // Seven notices a minute apart (the oldest first); 08:00 UTC is 08:00 in Accra. The welcome of registration
    // was read in the chat already.
    for (let index = 1; index <= 7; index += 1) await notify(id, `Notice ${index}`, `Text <${index}> & more`);
    await db.query(
      "UPDATE notifications SET created_at = timestamptz '2024-03-02 08:00:00+00' + make_interval(mins => substring(title from 8)::int) WHERE user_id = $1 AND title LIKE 'Notice %'",
      [id],
    );
    await bot.runJob('deliver-notifications');
    await tg.waitForMessage(abena.id, 'Text <7> & more');

    await abena.send('/start');
    const menu = await tg.waitForMessage(abena.id, 'Welcome back');
    expect(abena.currentKeyboard()?.map((button) => (typeof button === 'string' ? button : button.text))).toContain('🔔 Notifications (7)');
    expect(menu.text).toContain('Choose from the menu below');

    // The button works with its count, as the keyboard on the user's screen shows it.
    await abena.pressKeyboard('🔔 Notifications (7)');
    const list = await tg.waitForMessage(abena.id, 'Your notifications');
    expect(list.text).toContain('(7 unread, page 1 of 2)');
    expect(list.text).toMatch(/🔵 1\. Notice 7 · 2 Mar 2024, 08:07\nText <7> & more/);
    expect(list.text).toMatch(/🔵 5\. Notice 3 · 2 Mar 2024, 08:03/);
    expect(list.text).not.toContain('Notice 2');
    expect(buttons(list)).toEqual(['✓ 1 read', '✓ 2 read', '✓ 3 read', '✓ 4 read', '✓ 5 read', '✅ Mark all read', 'Older ▶️']);

    // Reading the newest moves it after every unread one: it is now last of the seven, on page 2.
    expect((await abena.tapAndAwaitAnswer(list, '✓ 1 read')).text).toBe('Marked as read.');
    const afterOne = await tg.waitForEdit(abena.id, list.message_id, '6 unread');
    expect(afterOne.text).toMatch(/🔵 1\. Notice 6 ·/);
    await abena.tap(afterOne, 'Older ▶️');
    const second = await tg.waitForEdit(abena.id, list.message_id, 'page 2 of 2');
    expect(second.text).toMatch(/🔵 1\. Notice 1 · 2 Mar 2024, 08:01/);
    expect(second.text).toMatch(/⚪ 2\. Welcome ·/);
    expect(second.text).toMatch(/⚪ 3\. Notice 7 · 2 Mar 2024, 08:07/);

    expect((await abena.tapAndAwaitAnswer(second, '✅ Mark all read')).text).toBe('6 marked as read.');
    await tg.waitForEdit(abena.id, list.message_id, 'all read');
    await tg.waitForMessage(abena.id, 'All caught up');
    expect(abena.currentKeyboard()?.map((button) => (typeof button === 'string' ? button : button.text))).toContain('🔔 Notifications');
    const [unread] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM notifications WHERE user_id = $1 AND NOT read', [id]);
    expect(unread?.count).toBe(0);
  });

  it("never marks another user's notification, whatever the button says", async () => {
    const { user: kwame } = await newUser('Kwame');
    const { id: esiId } = await newUser('Esi');
    await notify(esiId, 'For Esi only', 'private');
    await bot.runJob('deliver-notifications');
    const [row] = await db.query<{ id: string }>("SELECT id FROM notifications WHERE title = 'For Esi only'");
    await kwame.send('/notifications');
    const list = await tg.waitForMessage(kwame.id, 'notifications');
    const answer = await kwame.answerOf(await kwame.tapWithData(kwame.id, list.message_id, `nt:r:${row?.id}:0`));
    expect(answer.text).toBe('Those are read already.');
    expect(await db.query('SELECT read FROM notifications WHERE id = $1', [row?.id])).toEqual([{ read: false }]);
    expect(tg.messages(kwame.id).some((message) => message.text?.includes('private'))).toBe(false);
  });
});

describe('/alerts', () => {
  it('fires once when the sell rate crosses the target, and not again', async () => {
    await setPrice(bot, '15.00', ADMIN_ID); // buy 15.30, sell 14.70 with the 2% spread
    const { user: yaw } = await newUser('Yaw');
    await yaw.send('/alerts');
    const screen = await tg.waitForMessage(yaw.id, 'Rate alerts');
    expect(screen.text).toContain('Now 1 USDT: you buy at GHS 15.30, you sell at GHS 14.70.');
    expect(screen.text).toContain('You have no rate alerts.');
    await yaw.tap(screen, '🔴 Alert me to sell');
    await tg.waitForMessage(yaw.id, 'Right now you can sell at GHS 14.70');
    await yaw.send('fifteen');
    await tg.waitForMessage(yaw.id, 'Please type an amount');
    await yaw.send('14.50');
    await tg.waitForMessage(yaw.id, 'The sell rate is GHS 14.70 already');
    await yaw.send('GHS 15.50');
    await tg.waitForMessage(yaw.id, 'Alert set: I\'ll message you once, as soon as you can sell 1 USDT at GHS 15.50 or more.');

    await bot.runJob('rate-alerts');
    await setPrice(bot, '15.80', ADMIN_ID); // sell 15.48: close, not there
    await bot.runJob('rate-alerts');
    await setPrice(bot, '15.90', ADMIN_ID); // sell 15.58
    await bot.runJob('rate-alerts');
    const fired = await tg.waitForMessage(yaw.id, 'Sell rate reached');
    expect(fired.text).toContain('You can now sell USDT at GHS 15.58 (your alert: GHS 15.50 or more)');

    // Still above, then down and up again: the alert is done.
    await bot.runJob('rate-alerts');
    await setPrice(bot, '15.00', ADMIN_ID);
    await bot.runJob('rate-alerts');
    await setPrice(bot, '16.50', ADMIN_ID);
    await bot.runJob('rate-alerts');
    await tg.settle();
    expect(tg.messages(yaw.id).filter((message) => message.text?.includes('rate reached'))).toHaveLength(1);
    await yaw.send('/alerts');
    expect((await tg.waitForMessage(yaw.id, 'Rate alerts')).text).toContain('You have no rate alerts.');
  });

  it('fires a buy alert at or below its target, keeps at most five, and deletes one', async () => {
    await setPrice(bot, '15.00', ADMIN_ID);
    const { user: akua, id } = await newUser('Akua');
    for (const target of ['14.00', '13.00', '12.00', '11.00']) {
      await akua.send('/alerts');
      await akua.tap(await tg.waitForMessage(akua.id, 'Rate alerts'), '🟢 Alert me to buy');
      await tg.waitForMessage(akua.id, 'Right now you can buy at GHS 15.30');
      await akua.send(target);
      await tg.waitForMessage(akua.id, `buy 1 USDT at GHS ${target} or less`);
    }
    await akua.send('/alerts');
    await akua.tap(await tg.waitForMessage(akua.id, 'Rate alerts'), '🔴 Alert me to sell');
    await tg.waitForMessage(akua.id, 'Right now you can sell');
    await akua.send('20');
    await tg.waitForMessage(akua.id, 'Alert set');

    await akua.send('/alerts');
    const full = await tg.waitForMessage(akua.id, 'Rate alerts');
    expect(full.text).toContain('5. 🔴 Sell at GHS 20.00 or more');
    expect(full.text).toContain('You have the most; delete one to set another.');
    expect(buttons(full)).not.toContain('🟢 Alert me to buy');
    // A forged or stale button cannot make a sixth.
    const refused = await akua.answerOf(await akua.tapWithData(akua.id, full.message_id, 'al:n:buy'));
    expect(refused.text).toBe('You have 5 alerts, the most. Delete one first.');

    await akua.tap(full, '🗑 Delete 4');
    const fewer = await tg.waitForEdit(akua.id, full.message_id, (message) => !(message.text ?? '').includes('GHS 11.00'));
    expect(buttons(fewer)).toContain('🟢 Alert me to buy');

    // 13.80 × 1.02 = 14.08 (rounded up): the 14.00 alert waits; 13.70 → 13.98 reaches it.
    await setPrice(bot, '13.80', ADMIN_ID);
    await bot.runJob('rate-alerts');
    await setPrice(bot, '13.70', ADMIN_ID);
    await bot.runJob('rate-alerts');
    const fired = await tg.waitForMessage(akua.id, 'Buy rate reached');
    expect(fired.text).toContain('You can now buy USDT at GHS 13.98 (your alert: GHS 14.00 or less)');
    await tg.settle();
    expect(tg.messages(akua.id).filter((message) => message.text?.includes('rate reached'))).toHaveLength(1);
    const waiting = await db.query<{ target_rate: string }>('SELECT target_rate::text FROM rate_alerts WHERE user_id = $1 AND triggered_at IS NULL ORDER BY target_rate', [id]);
    expect(waiting.map((row) => row.target_rate)).toEqual(['12.00', '13.00', '20.00']);
  });

  it('waits while the price is stale, and fires on the next fresh one, never for a deactivated account', async () => {
    await setPrice(bot, '15.00', ADMIN_ID);
    const { user: kofi, id } = await newUser('Kofi');
    const { user: ebo, id: eboId } = await newUser('Ebo');
    for (const userId of [id, eboId]) await db.query("INSERT INTO rate_alerts (user_id, asset, side, target_rate) VALUES ($1, 'USDT', 'sell', 14.00)", [userId]);
    await db.query('UPDATE users SET is_active = false WHERE id = $1', [eboId]);
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    clock.advance(16 * MINUTE);
    await bot.runJob('rate-alerts');
    await tg.settle();
    expect(tg.messages(kofi.id).some((message) => message.text?.includes('rate reached'))).toBe(false);
    await setPrice(bot, '15.00', ADMIN_ID);
    await bot.runJob('rate-alerts');
    await tg.waitForMessage(kofi.id, 'Sell rate reached');
    await tg.settle();
    expect(tg.messages(ebo.id).some((message) => message.text?.includes('rate reached'))).toBe(false);
    expect(await db.query('SELECT triggered_at FROM rate_alerts WHERE user_id = $1', [eboId])).toEqual([{ triggered_at: null }]);
  });
});

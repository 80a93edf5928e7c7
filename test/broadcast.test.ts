import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { seedCrowd } from './support/crowd.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type TestUser } from './support/fakeTelegram/index.ts';
import { cardFor, pendingDepositInChat, verifiedUser } from './support/flows.ts';
import { seedUser } from './support/users.ts';

/**
 * Broadcasts at Telegram's overall pace on both sides: the bot sends 25 a second at most, the fake answers 429
 * over 30. Spacing within one chat is left out here (deliveryPace.test.ts shows it): it would only slow the
 * set-up conversations, and a broadcast sends one message per chat.
 */
const PACE = { ...TELEGRAM_SENDING_LIMITS, chatIntervalMs: 0 };
const ADMIN_ID = 951_001;
const CROWD = 300;
const FIRST_ID = 610_000;
/** Registered, but Telegram refuses to deliver to them (they have not opened the chat since): the one failure. */
const SILENT_ID = 951_200;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start({ rateLimits: TELEGRAM_RATE_LIMITS });
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Kofi', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], sendingLimits: PACE, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
});
afterAll(async () => {
  await bot.stop();
  await tg.stop();
  // Calls the fake refused for the bot's own fault; a 429 (Telegram's pace) is waited out and sent again.
  const refused = tg.rejectedCalls.filter((call) => !call.superseded && !call.rateLimited && String(call.params.chat_id) !== String(SILENT_ID));
  expect(refused.map((call) => [call.method, call.error?.description])).toEqual([]);
  await db.drop();
});

const ANNOUNCEMENT = '<b>📣 Announcement</b>\n<b>Better rates</b> from today: see <a href="https://example.com/rates">our rates</a>.';

describe('/broadcast', () => {
  it('checks the HTML, previews it exactly as users will see it, and sends nothing without Confirm', async () => {
    await admin.send('/broadcast');
    await tg.waitForMessage(admin.id, 'type the message for every user');
    await admin.send('<b>Rates</b> <blink>soon</blink>');
    await tg.waitForMessage(admin.id, 'That is not valid Telegram HTML: The tag <blink> is not allowed here.');
    await admin.send('Tom & Jerry');
    await tg.waitForMessage(admin.id, 'is not a valid HTML entity');
    await admin.send('<b>Rates</b> are better');
    const preview = await tg.waitForMessage(admin.id, 'Rates are better');
    expect(preview.html).toBe('<b>📣 Announcement</b>\n<b>Rates</b> are better');
    const question = await tg.waitForMessage(admin.id, 'That is exactly how it will look');
    await admin.tap(question, '✏️ Change the text');
    await tg.waitForMessage(admin.id, 'type the message for every user');
    await admin.send('Second thoughts');
    await admin.tap(await tg.waitForMessage(admin.id, 'That is exactly how it will look'), '❌ Cancel');
    await tg.waitForMessage(admin.id, 'Cancelled; nothing was sent.');
    expect(await db.query('SELECT id FROM broadcasts')).toEqual([]);
    expect(await db.query("SELECT id FROM notifications WHERE notification_type = 'BROADCAST'")).toEqual([]);
  });

  it('reaches every active user who has not blocked the bot, with a live status and a summary, while an approval notice goes first', async () => {
    const crowd = await seedCrowd(db, tg, CROWD, FIRST_ID);
    const [blockedA, blockedB, inactive] = crowd;
    await db.query('UPDATE users SET bot_blocked_at = now() WHERE telegram_id = ANY($1)', [[blockedA?.id, blockedB?.id]]);
    await db.query('UPDATE users SET is_active = false WHERE telegram_id = $1', [inactive?.id]);
    const reachable = crowd.slice(3);
    await seedUser(db, tg.createUser({ id: SILENT_ID, first_name: 'Silent', startedBot: false }));
    const yaw = await verifiedUser(db, tg, 951_100, 'Yaw');
    const card = await cardFor(tg, await pendingDepositInChat(tg, yaw, '500'));
    // Everyone reachable, as the bot sees it: the crowd less the two who blocked it and the inactive one, plus Yaw and the silent one.
    const audience = reachable.length + 2;

    await admin.send('/broadcast');
    await tg.waitForMessage(admin.id, 'type the message for every user');
    await admin.send('<b>Better rates</b> from today: see <a href="https://example.com/rates">our rates</a>.');
    expect((await tg.waitForMessage(admin.id, 'Better rates from today')).html).toBe(ANNOUNCEMENT);
    await admin.tap(await tg.waitForMessage(admin.id, `Send it to ${audience} users`), `✅ Send to ${audience} users`);
    await tg.waitForMessage(admin.id, `Broadcast #1 is on its way to ${audience} users`);
    const status = await tg.waitForMessage(ADMIN_CHAT_ID, 'Broadcast #1');
    expect(status.text).toContain('from Kofi Admin');

    const received = () => reachable.filter((user) => tg.messages(user.id).length > 0).length;
    while (received() < 25) await new Promise((resolve) => setTimeout(resolve, 50));
    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(yaw.id, 'is now in your wallet', { timeout: 10_000 });
    // The approval did not wait for the broadcast: most of it was still to go out.
    expect(received()).toBeLessThan(reachable.length / 2);

    const summary = () => tg.messages(ADMIN_CHAT_ID).find((message) => message.text?.includes('Broadcast #1 finished'));
    while (!summary()) {
      await bot.runJob('broadcast-progress');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(summary()?.text).toMatch(new RegExp(`delivered to ${audience - 1} of ${audience} users in \\d+ s\\. 1 could not be reached`));
    expect(summary()?.reply_to_message_id).toBe(status.message_id);
    const final = tg.message(ADMIN_CHAT_ID, status.message_id);
    expect(final?.text).toContain(`✅ Sent ${audience - 1} · ⚠️ Failed 1 · ⏳ Left 0 · 100%`);
    expect(final?.text).toContain('🏁 Finished');
    // Edited as it went, not only at the end.
    expect(final?.history.some((version) => /Left [1-9]/.test(version.text ?? ''))).toBe(true);

    for (const user of reachable) expect(tg.messages(user.id).map((message) => message.html)).toEqual([ANNOUNCEMENT]);
    for (const user of [blockedA, blockedB, inactive]) expect(tg.messages(user?.id ?? 0)).toEqual([]);
    expect(tg.messages(yaw.id).filter((message) => message.html === ANNOUNCEMENT)).toHaveLength(1);
    const [audit] = await db.query<{ action: string; admin_name: string }>("SELECT action, admin_name FROM admin_audit_log WHERE subject_kind = 'broadcast'");
    expect(audit).toEqual({ action: 'send', admin_name: 'Kofi Admin' });
  }, 120_000);
});

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { pendingDepositInChat, referenceIn, verifiedUser } from './support/flows.ts';
import { GPS_MARKER, sidewaysPhoto, tinyPng } from './support/images.ts';

const ADMIN_ID = 953_001;
const MEMBER_ID = 953_002;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let member: TestUser;
let nextUserId = 953_100;

// One Telegram for the whole file, as in life: message ids in the admin chat never repeat.
beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`UPDATE settings SET support_contacts = '{"WhatsApp": "+233 24 000 0000", "E-mail": "help@example.com"}'`);
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' });
  member = tg.createUser({ id: MEMBER_ID, first_name: 'Visitor' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin, member] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], rateLimit: { updates: 200, perMilliseconds: 10_000 } });
});
afterAll(async () => {
  await bot.stop();
  await tg.stop();
  await db.drop();
});
afterEach(async () => {
  await tg.settle();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

async function writeToSupport(user: TestUser, send: () => Promise<unknown>): Promise<void> {
  await user.send('/support');
  await user.tap(await tg.waitForMessage(user.id, 'Support'), '✍️ Write to support');
  await tg.waitForMessage(user.id, 'Write your message to our support team');
  await send();
  await tg.waitForMessage(user.id, '✅ Sent to our support team');
}

const relayMessage = () => tg.waitForMessage(ADMIN_CHAT_ID, 'Support message from');

describe('/support', () => {
  it('shows the contacts, relays a message with who sent it and their open requests, and brings the answer back signed Support', async () => {
    const ama = await newUser('Ama');
    const reference = await pendingDepositInChat(tg, ama, '500');
    // A second deposit shown its payment details, not reported paid yet.
    await ama.send('/deposit');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you send the cedis?'), '📱 Mobile money');
    await tg.waitForMessage(ama.id, 'How much will you deposit?');
    await ama.send('300');
    const unreported = referenceIn(await tg.waitForMessage(ama.id, 'Pay exactly'), 'DEP');
    await ama.send('/cancel');

    await ama.send('/support');
    const screen = await tg.waitForMessage(ama.id, 'Support');
    expect(screen.text).toContain('Reach our team:\n• E-mail: help@example.com\n• WhatsApp: +233 24 000 0000');
    await ama.tap(screen, '✍️ Write to support');
    await tg.waitForMessage(ama.id, 'Write your message to our support team');
    await ama.send(`I paid ${reference} an hour ago & it is still <pending>`);
    await tg.waitForMessage(ama.id, '✅ Sent to our support team');

    const relay = await relayMessage();
    expect(relay.text).toContain('Support message from Ama Test');
    expect(relay.text).toContain('identity approved');
    expect(relay.text).toMatch(new RegExp(`Open requests: • ⬇️ Deposit ${unreported} · GHS 300.00 · 💳 payment not yet reported since \\d\\d:\\d\\d\n• ⬇️ Deposit ${reference} · GHS 500.00 · ⏳ waiting for a decision since`));
    expect(relay.text).toContain(`I paid ${reference} an hour ago & it is still <pending>`);
    expect(relay.text).toContain('Reply to this message to answer Ama Test');

    // Someone in the group who is not an admin cannot answer.
    await member.send('Hello from me', { chatId: ADMIN_CHAT_ID, replyTo: relay });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Only admins can do this.');

    await admin.send('We see it: crediting now.', { chatId: ADMIN_CHAT_ID, replyTo: relay });
    const answer = await tg.waitForMessage(ama.id, 'We see it: crediting now.');
    expect(answer.text).toBe('💬 Support\nWe see it: crediting now.\n\n— Support\nTo answer, send /support and tap ✍️ Write to support.');
    const confirmation = await tg.waitForMessage(ADMIN_CHAT_ID, '✅ Sent to Ama Test, signed “Support”.');
    expect(confirmation.reply_to_message_id).toBeDefined();
    expect(tg.messages(ama.id).some((message) => message.text?.includes('Hello from me') || message.text?.includes('Kwabena'))).toBe(false);

    // Replying to the confirmation writes again in the same thread.
    await admin.send('Done: it is in your wallet.', { chatId: ADMIN_CHAT_ID, replyTo: confirmation });
    await tg.waitForMessage(ama.id, 'Done: it is in your wallet.');

    await ama.send('/support');
    const thread = await tg.waitForMessage(ama.id, 'Your conversation with support');
    expect(thread.text).toMatch(/👤 You · \d\d:\d\d\nI paid .* still <pending>\n\n🛟 Support · \d\d:\d\d\nWe see it: crediting now\.\n\n🛟 Support · \d\d:\d\d\nDone: it is in your wallet\./);
    expect(thread.text).not.toContain('Kwabena');
    const rows = await db.query<{ author: string; admin_name: string | null }>(
      'SELECT author, admin_name FROM support_messages m JOIN users u ON u.id = m.user_id WHERE u.telegram_id = $1 ORDER BY m.id',
      [ama.id],
    );
    expect(rows).toEqual([
      { author: 'user', admin_name: null },
      { author: 'support', admin_name: 'Kwabena Admin' },
      { author: 'support', admin_name: 'Kwabena Admin' },
    ]);
    await ama.send('/notifications');
    expect((await tg.waitForMessage(ama.id, 'Your notifications')).text).toMatch(/🔵 1\. 💬 Support · \d\d:\d\d\nDone: it is in your wallet\./);
  });

  it('relays photos both ways through the media store, with the last messages of the thread beside a new one', async () => {
    const kojo = await newUser('Kojo');
    await writeToSupport(kojo, async () => kojo.sendPhoto(await sidewaysPhoto(), { caption: 'The payment screen' }));
    const photo = await tg.waitForMessage(ADMIN_CHAT_ID, '📷 For support, from Kojo Test');
    const relay = await relayMessage();
    expect(relay.text).toContain('📷 The photo above: The payment screen');
    // What admins see is the stored copy: upright, re-encoded, without the GPS tags the phone wrote.
    const relayed = tg.mediaBytes(photo);
    expect(relayed.includes(GPS_MARKER)).toBe(false);
    expect(await sharp(relayed).metadata()).toMatchObject({ format: 'jpeg', width: 800, height: 1200 });
    const stored = await readdir(path.join(bot.dataDir, 'media', 'support'));
    expect(stored).toHaveLength(1);
    expect(await db.query('SELECT photo FROM support_messages WHERE photo IS NOT NULL')).toEqual([{ photo: `support/${stored[0] ?? ''}` }]);
    expect((await stat(path.join(bot.dataDir, 'media', 'support', stored[0] ?? ''))).mode & 0o777).toBe(0o600);

    await admin.sendPhoto(await tinyPng(), { chatId: ADMIN_CHAT_ID, replyTo: photo, caption: 'Is it this screen?' });
    const answer = await tg.waitForMessage(kojo.id, (message: ChatMessage) => Boolean(message.photo) && (message.caption ?? '').includes('Is it this screen?'));
    expect(answer.caption).toBe('💬 Support\nIs it this screen?\n\n— Support\nTo answer, send /support and tap ✍️ Write to support.');
    expect(await sharp(tg.mediaBytes(answer)).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 200 });
    await tg.waitForMessage(ADMIN_CHAT_ID, '✅ Sent to Kojo Test');

    await writeToSupport(kojo, () => kojo.send('Yes, that one.'));
    const second = await tg.waitForMessage(ADMIN_CHAT_ID, 'Yes, that one.');
    expect(second.text).toMatch(/Earlier in this conversation:\n👤 Kojo Test · \d\d:\d\d\n📷 The payment screen\n🛟 Kwabena Admin \(Support\) · \d\d:\d\d\n📷 Is it this screen\?/);
    await kojo.send('/support');
    expect((await tg.waitForMessage(kojo.id, 'Your conversation with support')).text).toContain('🛟 Support · ');
  });

  it('takes an answer to a support message while the admin has a question of their own open in the group', async () => {
    const efua = await newUser('Efua');
    await writeToSupport(efua, () => efua.send('Can I sell gift cards here?'));
    const relay = await relayMessage();
    await admin.send('/broadcast', { chatId: ADMIN_CHAT_ID });
    const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'type the message for every user');

    await admin.send('Yes: send /giftcards.', { chatId: ADMIN_CHAT_ID, replyTo: relay });
    await tg.waitForMessage(efua.id, 'Yes: send /giftcards.');
    // The open question is still there for the admin.
    await admin.send('Gift cards are here', { chatId: ADMIN_CHAT_ID, replyTo: prompt });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'That is exactly how it will look');
  });

  it('stores and sends a message once when the same Telegram message is handled twice', async () => {
    const yaa = await newUser('Yaa');
    const [user] = await db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [yaa.id]);
    const userId = Number(user?.id);
    const support = bot.services.support;
    const message = { text: 'Where is my payout?', photo: null, source: { chatId: yaa.id, messageId: 77 } };
    const first = await support.submit(userId, message);
    const again = await support.submit(userId, message);
    expect(first.ok && again.ok && first.value.message.id === again.value.message.id).toBe(true);
    const from = { id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' };
    const answer = { text: 'Sent this morning.', photo: null, source: { chatId: ADMIN_CHAT_ID, messageId: 9001 } };
    expect((await support.answer(userId, from, answer)).status).toBe('sent');
    expect((await support.answer(userId, from, answer)).status).toBe('duplicate');
    expect((await support.answer(userId, { id: MEMBER_ID, first_name: 'Visitor' }, { ...answer, source: { chatId: ADMIN_CHAT_ID, messageId: 9002 } })).status).toBe('not_admin');
    const counts = await db.query<{ messages: number; notices: number }>(
      `SELECT (SELECT count(*)::int FROM support_messages WHERE user_id = $1) AS messages,
              (SELECT count(*)::int FROM notifications WHERE user_id = $1 AND notification_type = 'SUPPORT_ANSWER') AS notices`,
      [userId],
    );
    expect(counts).toEqual([{ messages: 2, notices: 1 }]);
    await bot.notifications.deliverTo(userId);
    await tg.waitForMessage(yaa.id, 'Sent this morning.');
  });
});

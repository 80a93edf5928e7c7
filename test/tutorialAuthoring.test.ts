import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { MessageEntity } from 'grammy/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { sidewaysPhoto, tinyPng } from './support/images.ts';
import { seedUser } from './support/users.ts';

const ADMIN_ID = 940001;
const FAST = { updates: 300, perMilliseconds: 10_000 };

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let member: TestUser;
let photo: Buffer;
let nextUserId = 7000;
let nextRawMessageId = 900_000;

beforeAll(async () => {
  db = await createTestDatabase();
  photo = await sidewaysPhoto();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Akua', last_name: 'Editor' });
  member = tg.createUser({ id: 940002, first_name: 'Member' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin, member] });
  if ((await db.query('SELECT 1 FROM users WHERE telegram_id = $1', [ADMIN_ID])).length === 0) await seedUser(db, admin, { adminIds: [ADMIN_ID] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], rateLimit: FAST });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

async function reader(): Promise<TestUser> {
  nextUserId += 1;
  const user = tg.createUser({ id: nextUserId, first_name: 'Yaw', last_name: 'Reader' });
  await seedUser(db, user);
  return user;
}

function buttons(message: ChatMessage): string[] {
  const markup = message.reply_markup;
  return markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat().map((button) => button.text) : [];
}

/** A message the admin formatted in their Telegram client (bold, links …), which the test helpers cannot type. */
function sendFormatted(user: TestUser, text: string, entities: MessageEntity[]): void {
  nextRawMessageId += 1;
  tg.enqueueUpdate({
    message: { message_id: nextRawMessageId, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: user.first_name }, from: user.user, text, entities },
  });
}

async function tutorialRow(where: string, values: unknown[]): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.query(`SELECT * FROM tutorials WHERE ${where}`, values);
  return row;
}

async function auditOf(id: unknown): Promise<{ action: string; admin_telegram_id: string; details: Record<string, unknown> }[]> {
  return db.query("SELECT action, admin_telegram_id, details FROM admin_audit_log WHERE subject_kind = 'tutorial' AND subject_id = $1 ORDER BY id", [id]);
}

/** /tutorial_admin → a category → a tutorial's card. */
async function openCard(category: RegExp, title: RegExp): Promise<ChatMessage> {
  await admin.send('/tutorial_admin');
  const home = await tg.waitForMessage(admin.id, 'Tutorials: writing and publishing');
  await admin.tap(home, category);
  const list = await tg.waitForEdit(admin.id, home.message_id, 'in display order');
  await admin.tap(list, title);
  return tg.waitForEdit(admin.id, home.message_id, 'Status:');
}

describe('/tutorial_admin', () => {
  it('lets an admin write and publish a tutorial that users then read, formatting and picture included', async () => {
    await admin.send('/tutorial_admin');
    const home = await tg.waitForMessage(admin.id, 'Tutorials: writing and publishing');
    expect(home.text).toContain('📈 Trading: 5 (5 published)');
    await admin.tap(home, '➕ New tutorial');
    await tg.waitForMessage(admin.id, '1/7 Title');
    await admin.send('Hi');
    await tg.waitForMessage(admin.id, 'Type a title of at least 3 characters');
    await admin.send('How to read the order book');
    await admin.tap(await tg.waitForMessage(admin.id, '2/7 Which category?'), '📈 Trading');
    await tg.waitForMessage(admin.id, '3/7 Send the content of “How to read the order book”');
    sendFormatted(admin, 'The book has two sides: <bids> & asks.', [
      { type: 'bold', offset: 4, length: 4 },
      { type: 'text_link', offset: 33, length: 4, url: 'https://example.com/asks' },
    ]);
    await tg.waitForMessage(admin.id, 'Got part 1');
    await admin.send('Buyers bid, sellers ask.');
    await admin.tap(await tg.waitForMessage(admin.id, 'Got part 2'), '✅ Done');
    await tg.waitForMessage(admin.id, '4/7 A one-line summary');
    await admin.send('Bids, asks and the spread between them.');
    await tg.waitForMessage(admin.id, '5/7 A video link');
    await admin.send('ftp://videos.example.com/book');
    await tg.waitForMessage(admin.id, 'That is not a web link');
    await admin.send('https://www.youtube.com/watch?v=book1');
    await tg.waitForMessage(admin.id, '6/7 A picture');
    await admin.sendPhoto(await tinyPng());
    await tg.waitForMessage(admin.id, 'I need at least 320 pixels on its shorter side');
    await admin.sendPhoto(photo);
    const order = await tg.waitForMessage(admin.id, 'Where should it appear in 📈 Trading?');
    expect(order.text).toContain('50 · Fees and rates explained');
    await admin.tap(order, '⏬ At the end');
    const summary = await tg.waitForMessage(admin.id, 'Please check the new tutorial');
    expect(summary.text).toContain('Picture: yes');
    expect(await tutorialRow('title = $1', ['How to read the order book'])).toBeUndefined();
    await admin.tap(summary, '📢 Publish now');
    await tg.waitForMessage(admin.id, 'Published: users see it now in /tutorials');
    const card = await tg.waitForMessage(admin.id, '📘 How to read the order book');
    expect(card.text).toContain('Written by: Akua Editor');

    const row = await tutorialRow('slug = $1', ['how-to-read-the-order-book']);
    const [account] = await db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [ADMIN_ID]);
    expect(row).toMatchObject({
      title: 'How to read the order book',
      category: 'trading',
      content: 'The <b>book</b> has two sides: &lt;bids&gt; &amp; <a href="https://example.com/asks">asks</a>.\n\nBuyers bid, sellers ask.',
      excerpt: 'Bids, asks and the spread between them.',
      video_url: 'https://www.youtube.com/watch?v=book1',
      order: 60,
      is_published: true,
      author_id: account?.id,
    });
    const picture = await stat(path.join(bot.dataDir, 'media', String(row?.thumbnail)));
    expect(picture.mode & 0o777).toBe(0o600);
    expect((await auditOf(row?.id)).map((entry) => [entry.action, entry.admin_telegram_id, entry.details])).toEqual([
      ['create', String(ADMIN_ID), { slug: 'how-to-read-the-order-book', title: 'How to read the order book', category: 'trading', published: true }],
    ]);

    const user = await reader();
    await user.send('/tutorials');
    const root = await tg.waitForMessage(user.id, 'Pick a category');
    expect(buttons(root)).toContain('📈 Trading · 0/6 done');
    await user.tap(root, /^📈 Trading/);
    const list = await tg.waitForEdit(user.id, root.message_id, 'Tap a tutorial to read it');
    expect(buttons(list).at(-2)).toBe('How to read the order book');
    await user.tap(list, 'How to read the order book');
    const shown = await tg.waitForMessage(user.id, (message) => buttons(message).includes('🎬 Watch the video'));
    expect(shown.html).toContain('The <b>book</b> has two sides: &lt;bids&gt; &amp; <a href="https://example.com/asks">asks</a>.');
    expect(tg.messages(user.id).find((message) => message.message_id === shown.message_id - 1)?.photo).toBeDefined();
  });

  it('gives a duplicate title a unique slug; a draft stays hidden until published from its card, once', async () => {
    const from = { id: ADMIN_ID, first_name: 'Akua' };
    const draft = { title: 'Fees and rates explained', category: 'faq' as const, content: 'Same title, <i>other</i> text.', excerpt: null, videoUrl: null, order: null, publish: false };
    const first = await bot.services.tutorials.authoring.create(draft, null, from);
    const second = await bot.services.tutorials.authoring.create(draft, null, from);
    const long = await bot.services.tutorials.authoring.create({ ...draft, title: `${'Very long title about safety '.repeat(4)}end` }, null, from);
    const longAgain = await bot.services.tutorials.authoring.create({ ...draft, title: `${'Very long title about safety '.repeat(4)}end` }, null, from);
    const slugs = [first, second, long, longAgain].map((result) => (result.status === 'saved' ? result.tutorial.slug : result.status));
    expect(slugs).toEqual([
      'fees-and-rates-explained',
      'fees-and-rates-explained-2',
      'very-long-title-about-safety-very-long-title-about',
      'very-long-title-about-safety-very-long-title-abo-2',
    ]);

    const user = await reader();
    await user.send('/tutorials');
    expect(buttons(await tg.waitForMessage(user.id, 'Pick a category'))).toContain('❓ FAQ · 0/2 done');

    const card = await openCard(/^❓ FAQ/, /^📝 40 · Fees and rates explained$/);
    expect(card.text).toContain('📝 draft: only admins see it');
    expect(card.text).toContain('Slug: fees-and-rates-explained-2');
    const publishData = (card.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] }).inline_keyboard[0]?.[0]?.callback_data ?? '';
    expect(await admin.tapAndAwaitAnswer(card, '📢 Publish')).toMatchObject({ text: 'Published: users see it now.' });
    await tg.waitForEdit(admin.id, card.message_id, '✅ published: users see it');
    expect(await admin.answerOf(await admin.tapWithData(admin.id, card.message_id, publishData))).toMatchObject({ text: 'It was already published.', show_alert: true });
    const id = second.status === 'saved' ? second.tutorial.id : 0;
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['create', 'publish']);

    await user.send('/tutorials');
    expect(buttons(await tg.waitForMessage(user.id, 'Pick a category'))).toContain('❓ FAQ · 0/3 done');
    const unpublished = await admin.tapAndAwaitAnswer(card, '🙈 Unpublish');
    expect(unpublished.text).toBe('Unpublished: users no longer see it.');
    await tg.waitForEdit(admin.id, card.message_id, '📝 draft');
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['create', 'publish', 'unpublish']);
  });

  it('edits a field with a confirmation and deletes after another, auditing both', async () => {
    const card = await openCard(/^👛 Wallet/, /Your wallet: available and reserved/);
    await admin.tap(card, '✏️ Edit');
    const fields = await tg.waitForEdit(admin.id, card.message_id, 'What would you like to change?');
    await admin.tap(fields, 'Title');
    await tg.waitForMessage(admin.id, 'The title is now: Your wallet: available and reserved');
    await admin.send('Your wallet, explained');
    const confirm = await tg.waitForMessage(admin.id, 'Change the title of');
    expect(confirm.text).toContain('From: Your wallet: available and reserved\nTo: Your wallet, explained');
    await admin.tap(confirm, '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Saved: the title of');
    const fresh = await tg.waitForMessage(admin.id, '📘 Your wallet, explained');
    const row = await tutorialRow('slug = $1', ['your-wallet-explained']);
    expect(row?.title).toBe('Your wallet, explained');

    await admin.tap(fresh, '🗑 Delete');
    const sure = await tg.waitForEdit(admin.id, fresh.message_id, 'Delete “Your wallet, explained”?');
    const deleteData = (sure.reply_markup as { inline_keyboard: { callback_data?: string }[][] }).inline_keyboard[0]?.[0]?.callback_data ?? '';
    expect(await admin.tapAndAwaitAnswer(sure, '🗑 Yes, delete it')).toMatchObject({ text: 'Deleted.' });
    await tg.waitForEdit(admin.id, fresh.message_id, 'Deleted “Your wallet, explained”');
    expect(await admin.answerOf(await admin.tapWithData(admin.id, fresh.message_id, deleteData))).toMatchObject({
      text: 'That tutorial no longer exists.',
      show_alert: true,
    });
    expect(await tutorialRow('slug = $1', ['your-wallet-explained'])).toBeUndefined();
    expect((await auditOf(row?.id)).map((entry) => [entry.action, entry.details])).toEqual([
      ['update', { slug: 'your-wallet-explained', title: 'Your wallet, explained', field: 'title', from: 'Your wallet: available and reserved', to: 'Your wallet, explained' }],
      ['delete', { slug: 'your-wallet-explained', title: 'Your wallet, explained', category: 'wallet' }],
    ]);
  });

  it('asks in the admin group with forced replies to that admin, taking only their replies', async () => {
    await admin.send('/tutorial_admin', { chatId: ADMIN_CHAT_ID });
    const home = await tg.waitForMessage(ADMIN_CHAT_ID, 'Tutorials: writing and publishing');
    await admin.tap(home, '➕ New tutorial', { chatId: ADMIN_CHAT_ID });
    const title = await tg.waitForMessage(ADMIN_CHAT_ID, '1/7 Title');
    expect(title.reply_markup).toMatchObject({ force_reply: true, selective: true });
    expect(title.entities?.some((entity) => entity.type === 'text_mention' && entity.user.id === ADMIN_ID)).toBe(true);
    await admin.send('Just chatting with the team', { chatId: ADMIN_CHAT_ID });
    await member.send('Group guide', { chatId: ADMIN_CHAT_ID, replyTo: title });
    await admin.send('Group guide', { chatId: ADMIN_CHAT_ID, replyTo: title });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, '2/7 Which category?'), '🛡 Security', { chatId: ADMIN_CHAT_ID });
    const content = await tg.waitForMessage(ADMIN_CHAT_ID, '3/7 Send the content');
    await admin.send('Never share your PIN.', { chatId: ADMIN_CHAT_ID, replyTo: content });
    const more = await tg.waitForMessage(ADMIN_CHAT_ID, 'Got part 1');
    expect(more.text).toContain('Or reply done (✅ Done) or restart (🔁 Start again).');
    expect(more.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await admin.send('done', { chatId: ADMIN_CHAT_ID, replyTo: more });
    for (const step of ['4/7', '5/7', '6/7']) {
      await admin.send('skip', { chatId: ADMIN_CHAT_ID, replyTo: await tg.waitForMessage(ADMIN_CHAT_ID, step) });
    }
    await admin.send('end', { chatId: ADMIN_CHAT_ID, replyTo: await tg.waitForMessage(ADMIN_CHAT_ID, 'Where should it appear') });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Please check the new tutorial'), '📝 Save as draft', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Saved as a draft');
    await tg.waitForMessage(ADMIN_CHAT_ID, '📘 Group guide');
    expect(await tutorialRow('title = $1', ['Group guide'])).toMatchObject({ category: 'security', content: 'Never share your PIN.', is_published: false, excerpt: null });
    expect(tg.messages(ADMIN_CHAT_ID).some((message) => message.text?.includes('Just chatting'))).toBe(false);
  });

  it('refuses anyone who is not an admin, by command or by a kept button', async () => {
    await member.send('/tutorial_admin', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Only admins can do this.');
    const [row] = await db.query<{ id: string }>("SELECT id FROM tutorials WHERE slug = 'spot-scams'");
    await admin.send('/tutorial_admin', { chatId: ADMIN_CHAT_ID });
    const home = await tg.waitForMessage(ADMIN_CHAT_ID, 'Tutorials: writing and publishing');
    for (const data of [`ta:unpub:${row?.id}`, `ta:delok:${row?.id}`]) {
      expect(await member.answerOf(await member.tapWithData(ADMIN_CHAT_ID, home.message_id, data))).toMatchObject({ text: 'Only admins can do this.', show_alert: true });
    }
    expect(await tutorialRow("slug = 'spot-scams'", [])).toMatchObject({ is_published: true });
  });

  it('adds the starter tutorials once; an admin’s edit and deletion survive a restart', async () => {
    const starters = await db.query<{ slug: string }>('SELECT slug FROM tutorial_starter_slugs');
    expect(starters.length).toBeGreaterThanOrEqual(12);
    const from = { id: ADMIN_ID, first_name: 'Akua' };
    const account = await tutorialRow("slug = 'create-your-account'", []);
    expect((await bot.services.tutorials.authoring.update(Number(account?.id), { field: 'content', value: '<b>Our own words.</b>' }, from)).status).toBe('saved');
    const faq = await tutorialRow("slug = 'payment-problems'", []);
    expect((await bot.services.tutorials.authoring.remove(Number(faq?.id), from)).status).toBe('saved');
    const before = await db.query('SELECT count(*) AS count FROM tutorials');

    await bot.stop();
    bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], rateLimit: FAST });
    expect(await bot.services.tutorials.addStarterContent()).toEqual([]);

    expect(await db.query('SELECT count(*) AS count FROM tutorials')).toEqual(before);
    expect(await tutorialRow("slug = 'create-your-account'", [])).toMatchObject({ content: '<b>Our own words.</b>' });
    expect(await tutorialRow("slug = 'payment-problems'", [])).toBeUndefined();
  });
});

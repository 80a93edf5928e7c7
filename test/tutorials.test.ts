import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPEAT_TAP_MS } from '../src/services/tutorials/tutorials.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, parseHtml, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { TestClock } from './support/flows.ts';
import { sidewaysPhoto } from './support/images.ts';
import { seedUser } from './support/users.ts';

const ADMIN = { id: 930001, first_name: 'Efua', last_name: 'Admin' };
// Tests tap through menus faster than any person.
const FAST = { updates: 200, perMilliseconds: 10_000 };

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let nextUserId = 6000;

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
  bot = await startTestBot({ db, tg, adminIds: [ADMIN.id], clock: clock.now, rateLimit: FAST });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

async function reader(name = 'Kojo'): Promise<TestUser> {
  nextUserId += 1;
  const user = tg.createUser({ id: nextUserId, first_name: name, last_name: 'Reader' });
  await seedUser(db, user);
  return user;
}

async function idOf(slug: string): Promise<number> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM tutorials WHERE slug = $1', [slug]);
  if (!row) throw new Error(`no tutorial ${slug}`);
  return Number(row.id);
}

async function viewsOf(slug: string): Promise<number> {
  const [row] = await db.query<{ views: number }>('SELECT views FROM tutorials WHERE slug = $1', [slug]);
  return row?.views ?? -1;
}

function buttons(message: ChatMessage): string[] {
  const markup = message.reply_markup;
  return markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat().map((button) => button.text) : [];
}

/** /tutorials, then a category: the list message. */
async function openCategory(user: TestUser, category: RegExp): Promise<ChatMessage> {
  await user.send('/tutorials');
  const root = await tg.waitForMessage(user.id, 'Pick a category');
  await user.tap(root, category);
  return tg.waitForEdit(user.id, root.message_id, 'Tap a tutorial to read it');
}

/** The callback data of a button as drawn now (to tap it again later, as a stale client would). */
function dataOf(message: ChatMessage, text: string): string {
  const markup = message.reply_markup;
  const button = markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat().find((candidate) => candidate.text === text) : undefined;
  if (!button || !('callback_data' in button) || !button.callback_data) throw new Error(`no button ${text}`);
  return button.callback_data;
}

/** The last message of the next tutorial shown (the one with its buttons), after checking its title. */
async function tutorialMenu(user: TestUser, title: string): Promise<ChatMessage> {
  const menu = await tg.waitForMessage(user.id, (message) => buttons(message).includes('✅ Mark as completed') || buttons(message).includes('Completed ✓'));
  const titled = tg.messages(user.id).filter((message) => message.message_id <= menu.message_id && message.text?.startsWith(`${title}\n`)).at(-1);
  expect(titled, `the tutorial “${title}” was shown`).toBeDefined();
  return menu;
}

const admin = () => ({ id: ADMIN.id, first_name: ADMIN.first_name, last_name: ADMIN.last_name });

describe('/tutorials', () => {
  it('lists the five categories with counts and progress, and a category its tutorials in display order', async () => {
    const user = await reader();
    await user.send('/tutorials');
    const root = await tg.waitForMessage(user.id, 'Pick a category');
    expect(buttons(root)).toEqual([
      '🚀 Getting started · 0/3 done',
      '📈 Trading · 0/5 done',
      '👛 Wallet · 0/4 done',
      '🛡 Security · 0/3 done',
      '❓ FAQ · 0/2 done',
    ]);
    await user.tap(root, /^📈 Trading/);
    const list = await tg.waitForEdit(user.id, root.message_id, 'Tap a tutorial to read it');
    expect(buttons(list)).toEqual([
      'Buy USDT with mobile money',
      'Sell USDT for cedis',
      'Trade with other users on the market',
      'Trade in a gift card for cedis',
      'Fees and rates explained',
      '⬅️ All categories',
    ]);
    expect(list.text).toContain('📈 Trading · 0/5 done');
    expect(list.text).toContain('Get a quote, pay by MTN MoMo');
    await user.tap(list, '⬅️ All categories');
    await tg.waitForEdit(user.id, root.message_id, 'Pick a category');
  });

  it('opens a tutorial with its title and place; a view counts once per open, not per double tap', async () => {
    const user = await reader();
    const list = await openCategory(user, /^📈 Trading/);
    const before = await viewsOf('buy-usdt-with-momo');

    const first = await user.tap(list, 'Buy USDT with mobile money');
    const second = await user.tap(list, 'Buy USDT with mobile money');
    const shown = await tg.waitForMessage(user.id, 'Buy USDT with mobile money');
    expect(shown.text).toMatch(/^Buy USDT with mobile money\n📈 Trading · 1 of 5\n\nYou can buy as soon as your identity is verified/);
    expect(shown.text).toContain('Put the reference in the payment note');
    expect(buttons(shown)).toEqual(['✅ Mark as completed', 'Next ▶️', '⬅️ Back to 📈 Trading']);
    expect(await user.answerOf(first)).not.toHaveProperty('show_alert');
    expect((await user.answerOf(second)).text).toBe('It is open just below ⬇️');
    await tg.settle();
    expect(tg.messages(user.id).filter((message) => message.text?.startsWith('Buy USDT with mobile money'))).toHaveLength(1);
    expect(await viewsOf('buy-usdt-with-momo')).toBe(before + 1);

    // Tapping the same old button much later shows it again without counting that open twice.
    clock.advance(REPEAT_TAP_MS + 1000);
    await user.tap(list, 'Buy USDT with mobile money');
    await tg.waitForMessage(user.id, 'Buy USDT with mobile money');
    expect(await viewsOf('buy-usdt-with-momo')).toBe(before + 1);

    // A new list is a new open.
    const again = await openCategory(user, /^📈 Trading/);
    await user.tap(again, 'Buy USDT with mobile money');
    await tg.waitForMessage(user.id, 'Buy USDT with mobile money');
    expect(await viewsOf('buy-usdt-with-momo')).toBe(before + 2);
    const [progress] = await db.query<{ is_completed: boolean }>(
      'SELECT p.is_completed FROM tutorial_progress p JOIN users u ON u.id = p.user_id WHERE u.telegram_id = $1',
      [user.id],
    );
    expect(progress).toEqual({ is_completed: false });
  });

  it('marks a tutorial completed and undoes it, with the progress numbers following', async () => {
    const user = await reader();
    const list = await openCategory(user, /^📈 Trading/);
    await user.tap(list, 'Sell USDT for cedis');
    const menu = await tutorialMenu(user, 'Sell USDT for cedis');
    expect(buttons(menu)).toEqual(['✅ Mark as completed', '◀️ Previous', 'Next ▶️', '⬅️ Back to 📈 Trading']);

    const markData = dataOf(menu, '✅ Mark as completed');
    expect(await user.tapAndAwaitAnswer(menu, '✅ Mark as completed')).toMatchObject({ text: 'Marked as completed ✓' });
    const done = await tg.waitForEdit(user.id, menu.message_id, (message) => buttons(message).includes('Completed ✓'));
    // A double tap on the old button does not undo it: the menu is redrawn instead.
    const stale = await user.tapWithData(user.id, menu.message_id, markData);
    expect((await user.answerOf(stale)).text).toContain('Updated');
    const [row] = await db.query<{ done: string }>(
      `SELECT count(*) FILTER (WHERE p.is_completed) AS done FROM tutorial_progress p JOIN users u ON u.id = p.user_id WHERE u.telegram_id = $1`,
      [user.id],
    );
    expect(row?.done).toBe('1');

    await user.tap(menu, '⬅️ Back to 📈 Trading');
    const back = await tg.waitForMessage(user.id, 'Tap a tutorial to read it');
    expect(back.text).toContain('📈 Trading · 1/5 done');
    expect(buttons(back)).toContain('✓ Sell USDT for cedis');
    await user.send('/tutorials');
    expect(buttons(await tg.waitForMessage(user.id, 'Pick a category'))).toContain('📈 Trading · 1/5 done');

    expect(await user.tapAndAwaitAnswer(done, 'Completed ✓')).toMatchObject({ text: 'Marked as not completed' });
    await tg.waitForEdit(user.id, menu.message_id, (message) => buttons(message).includes('✅ Mark as completed'));
    await user.send('/tutorials');
    expect(buttons(await tg.waitForMessage(user.id, 'Pick a category'))).toContain('📈 Trading · 0/5 done');
  });

  it('goes to the previous and next tutorial, and congratulates once for a finished category', async () => {
    const user = await reader();
    const list = await openCategory(user, /^❓ FAQ/);
    await user.tap(list, 'Frequently asked questions');
    const faq = await tutorialMenu(user, 'Frequently asked questions');
    await user.tap(faq, '✅ Mark as completed');
    await tg.waitForEdit(user.id, faq.message_id, (message) => buttons(message).includes('Completed ✓'));
    await user.tap(faq, 'Next ▶️');
    const payments = await tg.waitForMessage(user.id, 'Something went wrong with a payment');
    expect(payments.text).toContain('❓ FAQ · 2 of 2');
    expect(buttons(payments)).toEqual(['✅ Mark as completed', '◀️ Previous', '⬅️ Back to ❓ FAQ']);
    await user.tap(payments, '✅ Mark as completed');
    const congratulation = await tg.waitForMessage(user.id, 'Congratulations!');
    expect(congratulation.text).toContain('You finished every tutorial in ❓ FAQ');
    expect(congratulation.text).toContain('Next up: 🚀 Getting started (0/3 done)');

    // Undone and done again: no second congratulation.
    await user.tap(payments, 'Completed ✓');
    await tg.waitForEdit(user.id, payments.message_id, (message) => buttons(message).includes('✅ Mark as completed'));
    await user.tap(payments, '✅ Mark as completed');
    await tg.waitForEdit(user.id, payments.message_id, (message) => buttons(message).includes('Completed ✓'));
    await user.tap(payments, '◀️ Previous');
    await tg.waitForMessage(user.id, (message) => Boolean(message.text?.startsWith('Frequently asked questions')) && message.message_id > payments.message_id);
    await tg.settle();
    expect(tg.messages(user.id).filter((message) => message.text?.includes('Congratulations!'))).toHaveLength(1);
  });

  it('never shows an unpublished tutorial, even through a button drawn before it was unpublished', async () => {
    const user = await reader();
    const list = await openCategory(user, /^👛 Wallet/);
    await user.tap(list, 'Your wallet: available and reserved');
    const open = await tutorialMenu(user, 'Your wallet: available and reserved');
    const nextData = dataOf(open, 'Next ▶️');
    expect((await bot.services.tutorials.authoring.setPublished(await idOf('deposit-cedis'), false, admin())).status).toBe('saved');

    expect(await user.tapAndAwaitAnswer(list, 'Deposit cedis by MoMo or bank')).toMatchObject({
      text: 'This tutorial is no longer available. Pick another one from the list.',
      show_alert: true,
    });
    const redrawn = await tg.waitForEdit(user.id, list.message_id, (message) => !buttons(message).includes('Deposit cedis by MoMo or bank'));
    expect(buttons(redrawn)).toEqual([
      'Your wallet: available and reserved',
      'Withdraw cedis to MoMo or bank',
      'Sending crypto out and in: networks, fees, and…',
      '⬅️ All categories',
    ]);
    // Next, drawn when the deposit tutorial came next, now leads to the next published one.
    await user.tapWithData(user.id, open.message_id, nextData);
    await tutorialMenu(user, 'Withdraw cedis to MoMo or bank');

    expect((await bot.services.tutorials.authoring.setPublished(await idOf('your-wallet-explained'), false, admin())).status).toBe('saved');
    expect(await user.tapAndAwaitAnswer(open, '✅ Mark as completed')).toMatchObject({
      show_alert: true,
      text: 'This tutorial is no longer available. Pick another one from the list.',
    });
    await tg.waitForEdit(user.id, open.message_id, (message) => buttons(message).join() === '⬅️ All categories');
    await tg.settle();
    expect(tg.messages(user.id).some((message) => message.text?.startsWith('Deposit cedis by MoMo or bank\n'))).toBe(false);
    const completed = await db.query('SELECT 1 FROM tutorial_progress p JOIN users u ON u.id = p.user_id WHERE u.telegram_id = $1 AND p.is_completed', [user.id]);
    expect(completed).toEqual([]);

    await user.send('/tutorials');
    expect(buttons(await tg.waitForMessage(user.id, 'Pick a category'))).toContain('👛 Wallet · 0/2 done');
    await bot.services.tutorials.authoring.setPublished(await idOf('deposit-cedis'), true, admin());
    await bot.services.tutorials.authoring.setPublished(await idOf('your-wallet-explained'), true, admin());
  });

  it('splits a long tutorial into messages that are each valid HTML under the limit, never cutting a word', async () => {
    const paragraph = (n: number) =>
      `<b>Step ${n}.</b> Pay exactly the amount shown, from a wallet in <i>your own name</i>, and put the reference in the note. ` +
      `Keep the confirmation &amp; send a <a href="https://example.com/help/${n}">clear screenshot</a> so our team can match it quickly. `.repeat(4);
    const content = Array.from({ length: 25 }, (_, index) => paragraph(index + 1)).join('\n\n') + '\n\n<b>' + 'A bold closing line that goes on. '.repeat(200) + '</b>';
    const created = await bot.services.tutorials.authoring.create(
      { title: 'A very long guide', category: 'faq', content, excerpt: null, videoUrl: 'https://www.youtube.com/watch?v=abc123', order: 5, publish: true },
      await sidewaysPhoto(),
      admin(),
    );
    expect(created.status).toBe('saved');
    const user = await reader();
    const list = await openCategory(user, /^❓ FAQ/);
    await user.tap(list, 'A very long guide');
    const menu = await tg.waitForMessage(user.id, (message) => buttons(message).includes('✅ Mark as completed'));
    await tg.settle();
    const sent = tg.messages(user.id).filter((message) => message.message_id > list.message_id && message.message_id <= menu.message_id);
    const [photo, ...parts] = sent;
    expect(photo?.photo).toBeDefined();
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts) {
      expect(() => parseHtml(part.html ?? '')).not.toThrow();
      expect([...(part.text ?? '')].length).toBeLessThanOrEqual(4096);
    }
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    const shownWords = parts.flatMap((part) => words(part.text ?? '')).slice(words('A very long guide ❓ FAQ · 1 of 3').length);
    expect(shownWords).toEqual(words(parseHtml(content).text));
    // Formatting carries over a cut: the bold closing line is bold in every message it spans.
    const lastPart = parts.at(-1);
    expect(lastPart?.html).toMatch(/^<b>/);
    const video = menu.reply_markup && 'inline_keyboard' in menu.reply_markup ? menu.reply_markup.inline_keyboard.flat().find((button) => button.text === '🎬 Watch the video') : undefined;
    expect(video).toMatchObject({ url: 'https://www.youtube.com/watch?v=abc123' });
  });

  it('points a user who just registered to the first tutorial', async () => {
    nextUserId += 1;
    const esi = tg.createUser({ id: nextUserId, first_name: 'Esi', last_name: 'Newcomer' });
    await esi.send('/start');
    await esi.tap(await tg.waitForMessage(esi.id, 'Do you accept these terms?'), '✅ I accept');
    await tg.waitForMessage(esi.id, 'What is your e-mail address?');
    await esi.send(`esi${esi.id}@example.com`);
    await tg.waitForMessage(esi.id, 'What is your phone number?');
    await esi.send('024 555 1234');
    await esi.tap(await tg.waitForMessage(esi.id, 'What is your first name'), 'Keep “Esi”');
    await esi.tap(await tg.waitForMessage(esi.id, 'What is your last name'), 'Keep “Newcomer”');
    await tg.waitForMessage(esi.id, 'Choose a transaction PIN');
    await esi.send('480261');
    await tg.waitForMessage(esi.id, 'Type the same PIN again');
    await esi.send('480261');
    await esi.tap(await tg.waitForMessage(esi.id, 'Please check your details'), '✅ Confirm');
    await tg.waitForMessage(esi.id, 'Welcome aboard, Esi!');
    const hint = await tg.waitForMessage(esi.id, 'The first tutorial shows how to verify your identity');
    await esi.tap(hint, '📘 Read the first tutorial');
    const first = await tutorialMenu(esi, 'Create your account in two minutes');
    expect(buttons(first)).toEqual(['✅ Mark as completed', 'Next ▶️', '⬅️ Back to 🚀 Getting started']);
  });

  it('points newcomers to the first tutorial while their identity is being checked', async () => {
    const user = await reader();
    await db.query(
      `INSERT INTO kyc_verifications (user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address, document_front, selfie, submitted_at)
       SELECT id, 'PENDING', 'PASSPORT', 'G1234567', 'Kojo', 'Reader', '1990-01-01', 'House 1, Accra', 'kyc/a.jpg', 'kyc/b.jpg', now() FROM users WHERE telegram_id = $1`,
      [user.id],
    );
    await user.send('/kyc');
    const pending = await tg.waitForMessage(user.id, 'Your documents are being reviewed');
    expect(pending.text).toContain('/tutorials');
    await user.tap(pending, '📘 Read the first tutorial');
    const first = await tg.waitForMessage(user.id, 'Create your account in two minutes');
    expect(first.text).toContain('🚀 Getting started · 1 of 3');
  });
});

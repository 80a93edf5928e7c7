import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyPin } from '../src/services/accounts/pin.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startTestBot, type TestBot } from './support/bot.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { seedUser } from './support/users.ts';

const PIN = '582039';

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  bot = await startTestBot({ db, tg, adminIds: [900001] });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.injected && !call.superseded)).toEqual([]);
});

let nextUserId = 100;
function newUser(overrides: { first_name?: string; last_name?: string; username?: string; id?: number } = {}): TestUser {
  nextUserId += 1;
  return tg.createUser({
    id: overrides.id ?? nextUserId,
    first_name: overrides.first_name ?? 'Ama',
    last_name: overrides.last_name ?? 'Mensah',
    username: overrides.username ?? `ama${nextUserId}`,
    phone_number: '233241234567',
  });
}

async function startAndAcceptTerms(user: TestUser): Promise<void> {
  await user.send('/start');
  await tg.waitForMessage(user.id, 'Welcome to the trading desk');
  const terms = await tg.waitForMessage(user.id, 'Do you accept these terms?');
  await user.tap(terms, '✅ I accept');
  await tg.waitForMessage(user.id, 'What is your e-mail address?');
}

async function answerUpToPin(user: TestUser, email: string): Promise<void> {
  await user.send(email);
  await tg.waitForMessage(user.id, 'What is your phone number?');
  await user.pressKeyboard('📱 Share my phone number');
  await tg.waitForMessage(user.id, 'Phone number saved');
  await user.tap(await tg.waitForMessage(user.id, 'What is your first name'), /^Keep/);
  await user.tap(await tg.waitForMessage(user.id, 'What is your last name'), /^Keep/);
  await tg.waitForMessage(user.id, 'Choose a transaction PIN');
}

async function countRows(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ count: string }>(`SELECT count(*) FROM ${table} WHERE ${where}`, values);
  return Number(row?.count);
}

describe('registration', () => {
  it('registers a new user end to end, re-asking every invalid answer with its reason', async () => {
    await seedUser(db, { id: 5000, first_name: 'Kofi', last_name: 'Boateng', username: 'kofi' }, { email: 'taken@example.com' });
    const ama = newUser({ first_name: 'Ama', last_name: 'Mensah', username: 'ama_m' });
    await startAndAcceptTerms(ama);

    await ama.send('not-an-email');
    await tg.waitForMessage(ama.id, 'That is not a valid e-mail address. Type it like ama@example.com.');
    await ama.send('TAKEN@example.com');
    await tg.waitForMessage(ama.id, 'That e-mail address is already registered');
    await ama.send('ama.mensah@example.com');

    await tg.waitForMessage(ama.id, 'What is your phone number?');
    await ama.sendContact({ phone_number: '233209999999', user_id: 424242, first_name: 'Yaw' });
    await tg.waitForMessage(ama.id, "That is someone else's contact");
    await ama.send('12345');
    await tg.waitForMessage(ama.id, "That doesn't look like a Ghana phone number");
    await ama.send('024 123 4567');
    await tg.waitForMessage(ama.id, 'Phone number saved: +233241234567');

    await ama.tap(await tg.waitForMessage(ama.id, 'What is your first name'), 'Keep “Ama”');
    await tg.waitForMessage(ama.id, 'What is your last name');
    await ama.send('M3nsah!');
    await tg.waitForMessage(ama.id, 'Use letters only');
    await ama.send('Mensah-Owusu');

    await tg.waitForMessage(ama.id, 'Choose a transaction PIN');
    await ama.send('1234');
    await tg.waitForMessage(ama.id, 'too easy to guess');
    await ama.send(PIN);
    await tg.waitForMessage(ama.id, 'Type the same PIN again');
    await ama.send('582030');
    await tg.waitForMessage(ama.id, "The two PINs didn't match");
    await tg.waitForMessage(ama.id, 'Choose a transaction PIN');
    await ama.send(PIN);
    await tg.waitForMessage(ama.id, 'Type the same PIN again');
    await ama.send(PIN);

    const summary = await tg.waitForMessage(ama.id, 'Please check your details');
    expect(summary.text).toContain('Name: Ama Mensah-Owusu');
    expect(summary.text).toContain('E-mail: ama.mensah@example.com');
    expect(summary.text).toContain('Phone: +233241234567');
    expect(await countRows('users', 'telegram_id = $1', [ama.id])).toBe(0);
    await ama.tap(summary, '✅ Confirm');

    const welcome = await tg.waitForMessage(ama.id, 'Welcome aboard, Ama!');
    expect(welcome.reply_markup && 'keyboard' in welcome.reply_markup).toBe(true);

    const [user] = await db.query<Record<string, unknown>>('SELECT * FROM users WHERE telegram_id = $1', [ama.id]);
    expect(user).toMatchObject({
      username: 'ama_m',
      email: 'ama.mensah@example.com',
      phone: '+233241234567',
      first_name: 'Ama',
      last_name: 'Mensah-Owusu',
      role: 'user',
      kyc_status: 'pending',
      is_active: true,
    });
    expect(await verifyPin(PIN, String(user?.password))).toBe(true);
    expect(await countRows('wallets', 'user_id = $1', [user?.id])).toBe(1);
    expect(await countRows('user_metrics', 'user_id = $1', [user?.id])).toBe(1);
    expect(await countRows('notifications', "user_id = $1 AND notification_type = 'WELCOME'", [user?.id])).toBe(1);
    // Both PIN messages, and the wrong ones, were deleted from the chat.
    const pinMessages = tg.userMessages(ama.id).filter((message) => ['1234', '582030', PIN].includes(message.text ?? ''));
    expect(pinMessages).toHaveLength(5);
    expect(pinMessages.every((message) => message.deleted)).toBe(true);
    // The conversation is over: nothing of it is left in storage.
    expect(await countRows('conversation_states', 'key LIKE $1', [`${ama.id}:%`])).toBe(0);
  });

  it('gives an admin listed in ADMIN_IDS the admin role, and a generated username when the Telegram one is taken', async () => {
    await seedUser(db, { id: 5001, first_name: 'Esi', last_name: 'Owusu', username: 'boss' });
    const admin = newUser({ id: 900001, first_name: 'Abena', last_name: 'Asante', username: 'BOSS' });
    await startAndAcceptTerms(admin);
    await answerUpToPin(admin, 'abena@example.com');
    await admin.send(PIN);
    await admin.send(PIN);
    await admin.tap(await tg.waitForMessage(admin.id, 'Please check your details'), '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Welcome aboard, Abena!');
    const [user] = await db.query<{ role: string; username: string }>('SELECT role, username FROM users WHERE telegram_id = $1', [admin.id]);
    expect(user).toEqual({ role: 'admin', username: 'user900001' });
  });

  it('lets the user change a detail from the summary before confirming', async () => {
    const ama = newUser();
    await startAndAcceptTerms(ama);
    await answerUpToPin(ama, 'first@example.com');
    await ama.send(PIN);
    await ama.send(PIN);
    await ama.tap(await tg.waitForMessage(ama.id, 'Please check your details'), '✏️ Change something');
    await ama.tap(await tg.waitForMessage(ama.id, 'What would you like to change?'), 'E-mail');
    await tg.waitForMessage(ama.id, 'What is your e-mail address?');
    await ama.send('second@example.com');
    const summary = await tg.waitForMessage(ama.id, 'Please check your details');
    expect(summary.text).toContain('E-mail: second@example.com');
    await ama.tap(summary, '✅ Confirm');
    await tg.waitForMessage(ama.id, 'Welcome aboard');
    expect(await countRows('users', "email = 'second@example.com'")).toBe(1);
  });

  it('writes nothing when the user sends /cancel half-way', async () => {
    const ama = newUser();
    await startAndAcceptTerms(ama);
    await ama.send('ama.cancel@example.com');
    await tg.waitForMessage(ama.id, 'What is your phone number?');
    await ama.send('/cancel');
    await tg.waitForMessage(ama.id, 'Cancelled. Nothing was saved.');
    await tg.settle();
    expect(await countRows('users', 'telegram_id = $1', [ama.id])).toBe(0);
    expect(await countRows('conversation_states', 'key LIKE $1', [`${ama.id}:%`])).toBe(0);
    // After cancelling, text is no longer taken as an answer.
    await ama.send('024 123 4567');
    await tg.waitForMessage(ama.id, 'Send /start to register');
  });

  it('stops when the terms are declined, and keeps the user on the question for anything but an answer', async () => {
    const ama = newUser();
    await ama.send('/start');
    const terms = await tg.waitForMessage(ama.id, 'Do you accept these terms?');
    await ama.send('hello?');
    await tg.waitForMessage(ama.id, 'Please tap one of the buttons below.');
    await ama.send('/start');
    await tg.waitForMessage(ama.id, 'Please answer the question above first, or send /cancel to stop.');
    await ama.tap(terms, '❌ I decline');
    await tg.waitForMessage(ama.id, 'You need to accept the terms');
    await tg.settle();
    expect(await countRows('users', 'telegram_id = $1', [ama.id])).toBe(0);
    expect(await countRows('conversation_states', 'key LIKE $1', [`${ama.id}:%`])).toBe(0);
  });

  it('greets a registered user with the main menu, and /help lists the commands even mid-conversation', async () => {
    const kofi = newUser({ first_name: 'Kofi' });
    await seedUser(db, kofi);
    await kofi.send('/start');
    const menu = await tg.waitForMessage(kofi.id, 'Welcome back, Kofi!');
    expect(menu.reply_markup && 'keyboard' in menu.reply_markup && menu.reply_markup.is_persistent).toBe(true);
    await kofi.pressKeyboard('❓ Help');
    const help = await tg.waitForMessage(kofi.id, 'What I can do');
    expect(help.text).toContain('/cancel');

    const ama = newUser();
    await startAndAcceptTerms(ama);
    await ama.send('/help');
    await tg.waitForMessage(ama.id, 'What I can do');
    await ama.send('still.registering@example.com');
    await tg.waitForMessage(ama.id, 'What is your phone number?');
  });

  it('tells a deactivated user so and does nothing else', async () => {
    const yaw = newUser({ first_name: 'Yaw' });
    await seedUser(db, yaw);
    await db.query('UPDATE users SET is_active = false WHERE telegram_id = $1', [yaw.id]);
    await yaw.send('/start');
    await tg.waitForMessage(yaw.id, 'Your account has been deactivated');
    await yaw.send('/help');
    await tg.waitForMessage(yaw.id, 'Your account has been deactivated');
    await tg.settle();
    expect(tg.messages(yaw.id).every((message) => message.text?.startsWith('Your account has been deactivated'))).toBe(true);
  });

  it('never puts the PIN in clear in the database, the logs or any message the bot sends', async () => {
    const ama = newUser();
    await startAndAcceptTerms(ama);
    await answerUpToPin(ama, 'secret@example.com');
    await ama.send(PIN);
    await ama.send(PIN);
    await tg.waitForMessage(ama.id, 'Please check your details');

    // Mid-conversation, the conversation state holds the PIN messages: it must be encrypted.
    expect(await countRows('conversation_states', 'key LIKE $1', [`${ama.id}:%`])).toBe(1);
    expect(await databaseContains(PIN)).toBe(false);

    await ama.tap(tg.lastMessage(ama.id) ?? 0, '✅ Confirm');
    await tg.waitForMessage(ama.id, 'Welcome aboard');
    expect(await databaseContains(PIN)).toBe(false);
    expect(await databaseContains('secret@example.com')).toBe(true); // the search does find plain values
    expect(bot.logs.text).not.toContain(PIN);
    expect(bot.logs.lines.length).toBeGreaterThan(5);
    expect(tg.allBotText()).not.toContain(PIN);
  });
});

/** Whether any row of any table holds the text, in a text column or as raw bytes. */
async function databaseContains(text: string): Promise<boolean> {
  const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  for (const { tablename } of tables) {
    for (const row of await db.query(`SELECT * FROM ${tablename}`)) {
      for (const value of Object.values(row)) {
        const haystack = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value) ?? '');
        if (haystack.includes(text)) return true;
      }
    }
  }
  return false;
}

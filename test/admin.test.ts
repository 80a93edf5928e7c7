import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { sidewaysPhoto } from './support/images.ts';
import { seedUser } from './support/users.ts';

const ADMIN_ID = 910001;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let member: TestUser;
let photo: Buffer;
let nextUserId = 3000;

beforeAll(async () => {
  db = await createTestDatabase();
  photo = await sidewaysPhoto();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Akosua', last_name: 'Boss' });
  member = tg.createUser({ id: 910002, first_name: 'Member' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin, member] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID] });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

/** A user with a KYC submission waiting, made through the service (no chat). */
async function pendingKyc(firstName: string): Promise<number> {
  nextUserId += 1;
  const user = await seedUser(db, tg.createUser({ id: nextUserId, first_name: firstName, last_name: 'Test' }));
  const result = await bot.services.kyc.submit(
    { userId: user.id, documentType: 'PASSPORT', documentNumber: 'G1234567', firstName, lastName: 'Test', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
    { front: photo, back: null, selfie: photo },
  );
  if (result.status !== 'submitted') throw new Error(result.status);
  return result.kyc.id;
}

describe('/pending', () => {
  it('lists the waiting requests oldest first and posts a card again; a decision edits every copy', async () => {
    const first = await pendingKyc('Adjoa');
    const second = await pendingKyc('Baaba');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    const list = await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests');
    const text = list.text ?? '';
    expect(text.indexOf(`KYC #${first}: Adjoa Test, Passport`)).toBeGreaterThan(-1);
    expect(text.indexOf(`KYC #${first}`)).toBeLessThan(text.indexOf(`KYC #${second}`));

    await admin.tap(list, new RegExp(`Show #${first}$`), { chatId: ADMIN_CHAT_ID });
    const copyOne = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${first}`);
    await admin.tap(list, new RegExp(`Show #${first}$`), { chatId: ADMIN_CHAT_ID });
    const copyTwo = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${first}`);
    expect(copyTwo.message_id).not.toBe(copyOne.message_id);

    await admin.tap(copyTwo, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, copyOne.message_id, 'Approved by Akosua Boss');
    await tg.waitForEdit(ADMIN_CHAT_ID, copyTwo.message_id, 'Approved by Akosua Boss');
    await tg.settle();

    await admin.send('/pending');
    const privateList = await tg.waitForMessage(admin.id, 'Waiting requests');
    expect(privateList.text).not.toContain(`KYC #${first}:`);
    expect(privateList.text).toContain(`KYC #${second}:`);
  });

  it('is refused to non-admins and outside the admin places', async () => {
    await member.send('/pending', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Only admins can do this.');
    tg.addGroup({ id: -100999, title: 'Friends', members: [admin] });
    await admin.send('/pending', { chatId: -100999 });
    await tg.waitForMessage(-100999, 'Admin work happens in the admin chat or in your private chat with me.');
    await tg.settle();
    expect(tg.messages(-100999).some((message) => message.text?.includes('Waiting requests'))).toBe(false);
  });
});

describe('ADMIN_IDS', () => {
  it('decides the admin role at each start: an id taken out of it loses the role, an id added gets it', async () => {
    const former = tg.createUser({ id: 910003, first_name: 'Former', last_name: 'Admin' });
    const newcomer = tg.createUser({ id: 910004, first_name: 'New', last_name: 'Admin' });
    await seedUser(db, former, { adminIds: [former.id] });
    await seedUser(db, newcomer);
    tg.joinGroup(ADMIN_CHAT_ID, former);
    await bot.stop();
    bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID, newcomer.id] });
    expect(await db.query('SELECT telegram_id, role, is_staff FROM users WHERE telegram_id IN ($1, $2) ORDER BY telegram_id', [former.id, newcomer.id])).toEqual([
      { telegram_id: String(former.id), role: 'user', is_staff: false },
      { telegram_id: String(newcomer.id), role: 'admin', is_staff: true },
    ]);
    await former.send('/pending', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Only admins can do this.');
    await former.send('/help');
    expect((await tg.waitForMessage(former.id, 'What I can do')).text).not.toContain('/pending');
    await newcomer.send('/help');
    expect((await tg.waitForMessage(newcomer.id, 'What I can do')).text).toContain('/pending');
  });
});

describe('/admin and /settings', () => {
  it('opens the admin menu, whose buttons lead to the pending list and the settings', async () => {
    await admin.send('/admin', { chatId: ADMIN_CHAT_ID });
    const menu = await tg.waitForMessage(ADMIN_CHAT_ID, 'Admin menu');
    await admin.tap(menu, '📋 Pending requests', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, /Waiting requests|Nothing is waiting/);
    await admin.tap(menu, '⚙️ Settings', { chatId: ADMIN_CHAT_ID });
    const settings = await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    expect(settings.text).toContain('Live rate source: coingecko');
    expect(settings.text).toContain('Escrow fee: 2.00%');

    const answer = await member.tapAndAwaitAnswer(menu, '⚙️ Settings', { chatId: ADMIN_CHAT_ID });
    expect(answer).toMatchObject({ text: 'Only admins can do this.', show_alert: true });
  });

  it('edits each setting with validation and a confirmation, and audits every change', async () => {
    await admin.send('/settings');
    let settings = await tg.waitForMessage(admin.id, 'Settings');

    await admin.tap(settings, '✏️ Escrow fee');
    await tg.waitForMessage(admin.id, 'Escrow fee is now: 2.00%');
    await admin.send('two percent');
    await tg.waitForMessage(admin.id, 'Type a percentage from 0 to 100 with at most 2 decimals');
    await admin.send('101');
    await tg.waitForMessage(admin.id, 'Type a percentage from 0 to 100');
    await admin.send('2.5%');
    const confirm = await tg.waitForMessage(admin.id, 'Change Escrow fee?');
    expect(confirm.text).toContain('From: 2.00%');
    await admin.tap(confirm, '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Saved. Escrow fee is now: 2.50%');

    await admin.send('/settings');
    settings = await tg.waitForMessage(admin.id, 'Settings');
    await admin.tap(settings, '✏️ Live rate source');
    await admin.tap(await tg.waitForMessage(admin.id, 'Live rate source is now: coingecko'), 'coinmarketcap');
    await admin.tap(await tg.waitForMessage(admin.id, 'Change Live rate source?'), '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Saved. Live rate source is now: coinmarketcap');

    await admin.send('/settings');
    settings = await tg.waitForMessage(admin.id, 'Settings');
    await admin.tap(settings, '✏️ Support contacts');
    await tg.waitForMessage(admin.id, 'Support contacts is now: none yet');
    await admin.send('just call us');
    await tg.waitForMessage(admin.id, 'is not "name: value"');
    await admin.send('WhatsApp: +233 24 000 0000\nE-mail: help@example.com');
    await admin.tap(await tg.waitForMessage(admin.id, 'Change Support contacts?'), '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Saved. Support contacts is now: E-mail: help@example.com\nWhatsApp: +233 24 000 0000');

    const [row] = await db.query('SELECT live_rate_source, escrow_percent::text AS escrow_percent, support_contacts FROM settings');
    expect(row).toEqual({
      live_rate_source: 'coinmarketcap',
      escrow_percent: '2.50',
      support_contacts: { WhatsApp: '+233 24 000 0000', 'E-mail': 'help@example.com' },
    });
    const audit = await db.query<{ admin_telegram_id: string; details: Record<string, string> }>(
      "SELECT admin_telegram_id, details FROM admin_audit_log WHERE subject_kind = 'settings' ORDER BY id",
    );
    expect(audit.map((entry) => entry.details)).toEqual([
      { field: 'escrow_percent', from: '2.00%', to: '2.50%' },
      { field: 'live_rate_source', from: 'coingecko', to: 'coinmarketcap' },
      { field: 'support_contacts', from: 'none yet', to: 'E-mail: help@example.com\nWhatsApp: +233 24 000 0000' },
    ]);
    expect(audit.every((entry) => entry.admin_telegram_id === String(ADMIN_ID))).toBe(true);
  });

  it('refuses a settings change by a non-admin, even with forged button data', async () => {
    await member.send('/settings');
    await tg.waitForMessage(member.id, 'Only admins can do this.');
    await admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    const settings = await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    const forged = await member.tapWithData(ADMIN_CHAT_ID, settings.message_id, 'st:escrow_percent');
    expect(await member.answerOf(forged)).toMatchObject({ text: 'Only admins can do this.' });
    await tg.settle();
    expect(await db.query("SELECT 1 FROM admin_audit_log WHERE subject_kind = 'settings' AND admin_telegram_id = $1", [member.id])).toEqual([]);
  });
});

describe('/dbstats', () => {
  it("shows the database's size and every table's exact rows and size, to admins only", async () => {
    await pendingKyc('Dzifa');
    await admin.send('/admin', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Admin menu'), '🗄 Database', { chatId: ADMIN_CHAT_ID });
    const stats = await tg.waitForMessage(ADMIN_CHAT_ID, 'Database');
    const text = stats.text ?? '';
    const tables = await db.query<{ table: string; rows: number }>(
      "SELECT relname AS table, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', relname), false, true, '')))[1]::text::int AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'",
    );
    expect(text).toContain(`${tables.length} tables`);
    // Written in the background a moment after an update (handled ids each second, the card queue): only the form.
    const writtenMeanwhile = new Set(['handled_updates', 'card_deliveries']);
    for (const { table, rows } of tables) {
      const count = writtenMeanwhile.has(table) ? '[\\d,]+' : rows.toLocaleString('en-GB');
      expect(text).toMatch(new RegExp(`^${table}: ${count} rows?, \\d+(\\.\\d)? (bytes|kB|MB)$`, 'm'));
    }
    const [database] = await db.query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size');
    const shown = /: (\d+(?:\.\d)?) MB in all/.exec(text)?.[1] ?? '';
    // Shown to 0.1 MB below 10 MB and to the MB above, as pg_size_pretty does; 0.15 MB of room for what was written meanwhile.
    const rounding = shown.includes('.') || Number(shown) < 10 ? 0.05 : 0.5;
    expect(Math.abs(Number(shown) - Number(database?.size) / 1024 ** 2)).toBeLessThan(rounding + 0.15);

    await member.send('/dbstats', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Only admins can do this.');
  });
});

describe('questions in the admin group (privacy mode)', () => {
  it('asks with a forced reply addressed to the admin, and takes only their reply to it', async () => {
    await admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings'), '✏️ Spread', { chatId: ADMIN_CHAT_ID });
    const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'Spread is now: 2.00%');
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    expect(prompt.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: expect.objectContaining({ id: ADMIN_ID }) as unknown }));
    // The admin's other chatter never reaches the bot (privacy mode); another member's reply is not an answer.
    await admin.send('3', { chatId: ADMIN_CHAT_ID });
    await member.send('4', { chatId: ADMIN_CHAT_ID, replyTo: prompt });
    await admin.send('sixty', { chatId: ADMIN_CHAT_ID, replyTo: prompt });
    const again = await tg.waitForMessage(ADMIN_CHAT_ID, (message) => message.message_id > prompt.message_id && (message.text ?? '').includes('Type a percentage below 50'));
    expect(again.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await admin.send('2.75', { chatId: ADMIN_CHAT_ID, replyTo: again });
    const confirm = await tg.waitForMessage(ADMIN_CHAT_ID, 'Change Spread?');
    expect(confirm.text).toContain('To: 2.75');
    await admin.tap(confirm, '✅ Confirm', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Saved. Spread is now: 2.75%');
    expect(await db.query('SELECT spread_percent::text AS spread FROM settings')).toEqual([{ spread: '2.75' }]);
  });

  it('never traps an admin: a tap on a card or a command closes the open question and is handled', async () => {
    const kycId = await pendingKyc('Comfort');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests'), new RegExp(`Show #${kycId}$`), { chatId: ADMIN_CHAT_ID });
    const card = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${kycId}`);

    await admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    const settings = await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    await admin.tap(settings, '✏️ Escrow fee', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Escrow fee is now');
    const answer = await admin.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(answer.text).toBe('Done: approved.');
    await tg.waitForMessage(ADMIN_CHAT_ID, 'I closed the question I had asked you; nothing from it was saved.');
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Akosua Boss');

    await admin.tap(settings, '✏️ Spread', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Spread is now');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'I closed the question I had asked you');
    const list = await tg.waitForMessage(ADMIN_CHAT_ID, /Waiting requests|Nothing is waiting/);
    expect(list.text).not.toContain(`KYC #${kycId}:`);
    await tg.settle();
    expect(tg.messages(ADMIN_CHAT_ID).some((message) => message.text?.includes('Please answer the question above first'))).toBe(false);
  });

  it('answers /cancel in the group without a keyboard: the main menu belongs to private chats', async () => {
    if ((await db.query('SELECT 1 FROM users WHERE telegram_id = $1', [ADMIN_ID])).length === 0) await seedUser(db, admin, { adminIds: [ADMIN_ID] });
    await admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Settings'), '✏️ Spread', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Spread is now');
    await admin.send('/cancel', { chatId: ADMIN_CHAT_ID });
    const cancelled = await tg.waitForMessage(ADMIN_CHAT_ID, 'Cancelled. Nothing was saved.');
    expect(cancelled.text).toBe('Cancelled. Nothing was saved.');
    expect(cancelled.reply_markup).toBeUndefined();
    // In their private chat the admin gets the main menu back as before.
    await admin.send('/cancel');
    const alone = await tg.waitForMessage(ADMIN_ID, 'There is nothing to cancel. Choose from the menu below.');
    expect(alone.reply_markup).toMatchObject({ is_persistent: true });
  });
});

describe('a decision and the outbox', () => {
  it('delivers the decided request\'s notification at once, without waiting for a backlog of others', async () => {
    // 300 other users' notifications are due (a broadcast, say); the delivery job is not running here.
    await db.query(`
      WITH others AS (
        INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
        SELECT 5000000 + n, 'backlog' || n, 'backlog' || n || '@example.com', 'x', now(), now(), now() FROM generate_series(1, 300) n
        RETURNING id
      )
      INSERT INTO notifications (user_id, notification_type, title, message, created_at, next_attempt_at)
      SELECT id, 'BROADCAST', 'News', 'Hello from the desk', now() - interval '1 minute', now() - interval '1 minute' FROM others
    `);
    const kycId = await pendingKyc('Efua');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests'), new RegExp(`Show #${kycId}$`), { chatId: ADMIN_CHAT_ID });
    const card = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${kycId}`);
    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(nextUserId, 'Your identity is verified');
    await tg.settle();
    const sentToOthers = tg.calls.filter((call) => call.method === 'sendMessage' && Number(call.params.chat_id) > 5000000);
    expect(sentToOthers).toHaveLength(0);
    expect(await db.query("SELECT count(*)::int AS n FROM notifications WHERE notification_type = 'BROADCAST' AND sent_at IS NULL")).toEqual([{ n: 300 }]);
  });
});

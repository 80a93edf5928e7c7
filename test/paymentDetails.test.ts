import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../src/db/setup/migrations.ts';
import { createLogger } from '../src/logger.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { setPrice, verifiedUser } from './support/flows.ts';

const ADMIN_ID = 931001;

describe('a fresh install', () => {
  it('has no payment details (it had examples users could have paid to)', async () => {
    const fresh = await createTestDatabase({ empty: true });
    try {
      await runMigrations(fresh.url, createLogger('warn'));
      expect(await fresh.query('SELECT momo_payment_details, bank_payment_details FROM settings')).toEqual([{ momo_payment_details: '', bank_payment_details: '' }]);
    } finally {
      await fresh.drop();
    }
  });
});

describe('paying the desk by a method without payment details', () => {
  let db: TestDatabase;
  let tg: FakeTelegram;
  let bot: TestBot;
  let admin: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query("UPDATE settings SET momo_payment_details = ''");
    tg = await FakeTelegram.start();
    admin = tg.createUser({ id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' });
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
    bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID] });
  });
  afterAll(async () => {
    await bot.stop();
    await tg.stop();
    await db.drop();
  });

  it('is refused before the amount is asked, saves nothing, and works once an admin sets the details', async () => {
    const ama = await verifiedUser(db, tg, 931101, 'Ama');
    await ama.send('/deposit');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you send the cedis?'), '📱 Mobile money');
    const refusal = await tg.waitForMessage(ama.id, 'Paying the desk by mobile money is not set up yet');
    expect(refusal.text).toContain('you should not send money. Send /deposit to choose another way');

    // The bank has its details: that way still works.
    await ama.send('/deposit');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you send the cedis?'), '🏦 Bank');
    await ama.send('250');
    await tg.waitForMessage(ama.id, 'Pay exactly GHS 250.00 by bank transfer to:\nGCB Bank, account 1234567890123');
    await ama.send('/cancel');

    await setPrice(bot, '15.20', ADMIN_ID);
    await ama.send('/buy');
    await tg.waitForMessage(ama.id, 'How much USDT do you want to buy?');
    await ama.send('500');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you pay?'), '📱 Mobile money');
    await tg.waitForMessage(ama.id, 'Paying the desk by mobile money is not set up yet, so nothing was saved');
    // Only the bank deposit whose details Ama was shown is kept (awaiting her payment); the refused ways saved nothing.
    expect(await db.query('SELECT amount, reported_paid_at FROM cash_deposits')).toEqual([{ amount: '250.00', reported_paid_at: null }]);
    expect(await db.query('SELECT id FROM crypto_transactions')).toEqual([]);

    await admin.send('/settings');
    await admin.tap(await tg.waitForMessage(admin.id, 'Settings'), '✏️ Mobile money details');
    await tg.waitForMessage(admin.id, 'Mobile money details is now: not set: users cannot pay by this method until you set it');
    await admin.send('MTN Mobile Money 024 123 4567, name: Accra Desk Ltd');
    await admin.tap(await tg.waitForMessage(admin.id, 'Change Mobile money details?'), '✅ Confirm');
    await tg.waitForMessage(admin.id, 'Saved. Mobile money details is now: MTN Mobile Money 024 123 4567');

    await ama.send('/deposit');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you send the cedis?'), '📱 Mobile money');
    await ama.send('250');
    await tg.waitForMessage(ama.id, 'Pay exactly GHS 250.00 by mobile money to:\nMTN Mobile Money 024 123 4567, name: Accra Desk Ltd');
  });
});

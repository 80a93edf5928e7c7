import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runRateJob } from '../src/jobs/refreshRates.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeRates, FAKE_CMC_API_KEY } from './support/fakeRates.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, expectLedgerMatchesWallets, pendingBuyInChat, referenceIn, setPrice, TestClock, verifiedUser } from './support/flows.ts';
import { TEST_PIN } from './support/users.ts';

const ADMIN_ID = 920001;
const MINUTE = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let rates: FakeRates;
let bot: TestBot;
let clock: TestClock;
let admin: TestUser;
let nextUserId = 5000;

beforeAll(async () => {
  db = await createTestDatabase();
  rates = await FakeRates.start();
});
afterAll(async () => {
  await rates.stop();
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  await db.query('DELETE FROM rates');
  await db.query("UPDATE settings SET live_rate_source = 'manual', rate_stale_alerted_at = NULL");
  rates.respondWith('ok');
  tg = await FakeTelegram.start();
  clock = new TestClock();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Yaa', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({
    db,
    tg,
    adminIds: [ADMIN_ID],
    clock: clock.now,
    rateLimit: { updates: 200, perMilliseconds: 10_000 },
    rateSources: { coinmarketcapUrl: rates.url, coinmarketcapApiKey: FAKE_CMC_API_KEY, coingeckoUrl: rates.url },
  });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
  await expectLedgerMatchesWallets(db);
});

function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

function rateJob() {
  return runRateJob({ rates: bot.services.rates, clock: clock.now, api: new Api(tg.token, { apiRoot: tg.apiRoot }), adminChatId: ADMIN_CHAT_ID, asset: 'USDT', logger: bot.logger });
}

/** Buys through the chat for GHS 500 at the price 15.20 (rate 15.51) and has the admin approve it. */
async function buyFiveHundred(user: TestUser): Promise<void> {
  await admin.tap(await cardFor(tg, await pendingBuyInChat(tg, user, 'GHS 500')), '✅ Approve', { chatId: ADMIN_CHAT_ID });
  await tg.waitForMessage(user.id, '32.23726627 USDT is now in your wallet');
}

describe('buying', () => {
  it('quotes, shows where to pay with a reference, and credits the crypto when an admin approves', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const kofi = await newUser('Kofi');
    await kofi.send('/buy');
    await tg.waitForMessage(kofi.id, 'How much USDT do you want to buy?');
    await kofi.send('5 BTC');
    await tg.waitForMessage(kofi.id, 'I only know GHS and USDT');
    await kofi.send('20');
    await tg.waitForMessage(kofi.id, 'The smallest amount is GHS 50.00');
    await kofi.send('500');
    const quote = await tg.waitForMessage(kofi.id, 'How will you pay?');
    expect(quote.text).toContain('Rate: GHS 15.51 per USDT');
    expect(quote.text).toContain('You pay: GHS 500.00');
    expect(quote.text).toContain('You receive: 32.23726627 USDT');
    expect(quote.text).toMatch(/Valid until \d{2}:\d{2} \(10 minutes\)/);
    await kofi.tap(quote, '🏦 Bank transfer');
    const payment = await tg.waitForMessage(kofi.id, 'Pay exactly GHS 500.00 by bank transfer to:');
    expect(payment.text).toContain('GCB Bank, account 1234567890123');
    const reference = referenceIn(payment, 'BUY');
    await kofi.sendDocument(Buffer.from('not a picture'), { file_name: 'receipt.txt', mime_type: 'text/plain' });
    await tg.waitForMessage(kofi.id, 'That file is not a picture');
    await kofi.tap(payment, '✅ I have paid');
    await tg.waitForMessage(kofi.id, `Your purchase ${reference} is waiting for our team to confirm your payment`);

    const card = await cardFor(tg, reference);
    expect(card.text).toContain('Pays: GHS 500.00 by bank transfer with reference');
    expect(card.text).toContain('Receives: 32.23726627 USDT');
    expect(card.text).toContain('Rate: GHS 15.51 per USDT (market GHS 15.20, spread 2.00%)');
    const [row] = await db.query('SELECT status, cedis_amount, crypto_amount, rate, market_price, spread_percent, payment_method FROM crypto_transactions WHERE reference = $1', [reference]);
    expect(row).toEqual({ status: 'pending', cedis_amount: '500.00', crypto_amount: '32.23726627', rate: '15.51', market_price: '15.20000000', spread_percent: '2.00', payment_method: 'bank' });
    expect((await balances(db, kofi)).balance_crypto).toBe('0.00000000');

    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Yaa Admin');
    await tg.waitForMessage(kofi.id, `Your purchase ${reference} is complete: 32.23726627 USDT is now in your wallet.`);
    expect(await balances(db, kofi)).toMatchObject({ balance_crypto: '32.23726627', escrow_crypto: '0.00000000' });

    await kofi.send('/wallet');
    const wallet = await tg.waitForMessage(kofi.id, 'Your wallet');
    expect(wallet.text).toContain('USDT: 32.23726627 USDT available');
    expect(wallet.text).toContain('worth about GHS 480.01'); // 32.23726627 × 14.89, rounded down
  });

  it('takes a payment screenshot as the confirmation and shows it on the card; a decline gives the reason', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const ama = await newUser('Ama');
    await ama.send('/buy');
    await ama.send('25 USDT');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you pay?'), '📱 Mobile money');
    const payment = await tg.waitForMessage(ama.id, 'Pay exactly GHS 387.75 by mobile money to:'); // 25 × 15.51
    const { sidewaysPhoto } = await import('./support/images.ts');
    await ama.sendPhoto(await sidewaysPhoto());
    await tg.waitForMessage(ama.id, 'is waiting for our team to confirm your payment');
    const reference = referenceIn(payment, 'BUY');
    const card = await cardFor(tg, reference);
    expect(card.text).toContain('Payment proof: screenshot attached');
    expect(tg.messages(ADMIN_CHAT_ID).some((message) => message.photo && message.message_id === card.reply_to_message_id)).toBe(true);

    await admin.tap(card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('Payment not received'));
    await admin.tap(card, 'Payment not received', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ama.id, `Your purchase ${reference} was declined. Reason: Payment not received.`);
    expect((await balances(db, ama)).balance_crypto).toBe('0.00000000');
  });

  it('refuses money actions to a user whose identity is not verified', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const yaw = await newUser('Yaw');
    await db.query("UPDATE users SET kyc_status = 'pending' WHERE telegram_id = $1", [yaw.id]);
    for (const command of ['/buy', '/sell', '/deposit', '/withdraw']) {
      await yaw.send(command);
      await tg.waitForMessage(yaw.id, 'Money moves only for verified accounts. Send /kyc');
    }
  });
});

describe('a buy paid after its quote ran out', () => {
  it('is recorded at its quote once the user reports paying, never refused for the price or the limits: the card flags what changed', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const adjoa = await newUser('Adjoa');
    await adjoa.send('/buy');
    await adjoa.send('25 USDT');
    await adjoa.tap(await tg.waitForMessage(adjoa.id, 'How will you pay?'), '📱 Mobile money');
    const payment = await tg.waitForMessage(adjoa.id, 'Pay exactly GHS 387.75 by mobile money');
    const reference = referenceIn(payment, 'BUY');
    // Meanwhile the price moves, the quote runs out and the admins lower the largest amount.
    await setPrice(bot, '16.00', ADMIN_ID);
    clock.advance(11 * MINUTE);
    const [limits] = await db.query<{ max_amount_ghs: string }>('SELECT max_amount_ghs FROM settings');
    await db.query('UPDATE settings SET max_amount_ghs = 300');
    try {
      await adjoa.tap(payment, '✅ I have paid');
      await tg.waitForMessage(adjoa.id, `Your purchase ${reference} is waiting for our team to confirm your payment`);
      const card = await cardFor(tg, reference);
      expect(card.text).toContain('Receives: 25.00000000 USDT');
      expect(card.text).toMatch(/⚠️ Quote: reported paid after it expired at \d{2}:\d{2}; approving records the quoted rate/);
      expect(card.text).toContain('⚠️ Limits: now GHS 50.00 to GHS 300.00; the buy was within them when it was made');
      // 16.00 × 1.02 now, against 15.20 × 1.02 quoted.
      expect(card.text).toContain('⚠️ Price: now GHS 16.32 vs quoted GHS 15.51 per USDT; approving records the quoted rate');
      await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
      await tg.waitForMessage(adjoa.id, `Your purchase ${reference} is complete: 25.00000000 USDT is now in your wallet.`);
      expect((await balances(db, adjoa)).balance_crypto).toBe('25.00000000');
    } finally {
      await db.query('UPDATE settings SET max_amount_ghs = $1', [limits?.max_amount_ghs]);
    }
  });
});

describe('a buy paid while the live price went stale', () => {
  it('is still recorded at its quote, and the card flags that the price is stale', async () => {
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    rates.setPrice('USDT', 15.2);
    await rateJob();
    const kwesi = await newUser('Kwesi');
    await kwesi.send('/buy');
    await kwesi.send('25 USDT');
    await kwesi.tap(await tg.waitForMessage(kwesi.id, 'How will you pay?'), '📱 Mobile money');
    const payment = await tg.waitForMessage(kwesi.id, 'Pay exactly GHS 387.75 by mobile money');
    const reference = referenceIn(payment, 'BUY');
    // The feed fails for 20 minutes before Kwesi reports paying: trading is paused, his paid buy is not.
    rates.respondWith('error500');
    clock.advance(20 * MINUTE);
    await rateJob();
    await kwesi.tap(payment, '✅ I have paid');
    await tg.waitForMessage(kwesi.id, `Your purchase ${reference} is waiting for our team to confirm your payment`);
    const card = await cardFor(tg, reference);
    expect(card.text).toMatch(/⚠️ Price: now GHS 15\.51 \(a stale price, from [^)]+\) vs quoted GHS 15\.51 per USDT; approving records the quoted rate/);
    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(kwesi.id, `Your purchase ${reference} is complete: 25.00000000 USDT is now in your wallet.`);
    expect((await balances(db, kwesi)).balance_crypto).toBe('25.00000000');
  });
});

describe('selling', () => {
  it('reserves the crypto after the PIN, releases it on decline and credits cedis on approval', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const esi = await newUser('Esi');
    await buyFiveHundred(esi);

    await esi.send('/sell');
    await tg.waitForMessage(esi.id, 'You have 32.23726627 USDT available');
    await esi.send('100');
    await tg.waitForMessage(esi.id, 'That needs 100.00000000 USDT, but you have 32.23726627 USDT available');
    await esi.send('10');
    const summary = await tg.waitForMessage(esi.id, 'Sell USDT');
    expect(summary.text).toContain('Rate: GHS 14.89 per USDT');
    expect(summary.text).toContain('You sell: 10.00000000 USDT');
    expect(summary.text).toContain('You receive: GHS 148.90');
    await esi.tap(summary, '✅ Confirm');
    await tg.waitForMessage(esi.id, 'Type your transaction PIN');
    await esi.send('111222');
    await tg.waitForMessage(esi.id, 'Wrong PIN. 4 attempts left');
    await esi.send(TEST_PIN);
    const reserved = await tg.waitForMessage(esi.id, 'is reserved for your sale');
    expect(tg.userMessages(esi.id).filter((message) => ['111222', TEST_PIN].includes(message.text ?? '')).every((message) => message.deleted)).toBe(true);
    expect(await balances(db, esi)).toMatchObject({ balance_crypto: '22.23726627', escrow_crypto: '10.00000000' });

    const declineCard = await cardFor(tg, referenceIn(reserved, 'SELL'));
    expect(declineCard.text).toContain('Sells: 10.00000000 USDT (reserved from the wallet)');
    await admin.tap(declineCard, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await tg.waitForEdit(ADMIN_CHAT_ID, declineCard.message_id, () => JSON.stringify(tg.message(ADMIN_CHAT_ID, declineCard.message_id)?.reply_markup).includes('price moved'));
    await admin.tap(declineCard, 'The price moved too far', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(esi.id, 'Your 10.00000000 USDT is available again.');
    expect(await balances(db, esi)).toMatchObject({ balance_crypto: '32.23726627', escrow_crypto: '0.00000000', balance_cedis: '0.00' });

    await esi.send('/sell');
    await esi.send('10 USDT');
    await esi.tap(await tg.waitForMessage(esi.id, 'Sell USDT'), '✅ Confirm');
    await esi.send(TEST_PIN);
    const second = await tg.waitForMessage(esi.id, 'is reserved for your sale');
    await admin.tap(await cardFor(tg, referenceIn(second, 'SELL')), '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(esi.id, 'GHS 148.90 is now in your wallet.');
    expect(await balances(db, esi)).toMatchObject({ balance_crypto: '22.23726627', escrow_crypto: '0.00000000', balance_cedis: '148.90' });
  });

  it('says at once when everything the user has would fetch less than the smallest sale', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const kojo = await newUser('Kojo');
    await buyFiveHundred(kojo);
    await db.query('UPDATE settings SET min_amount_ghs = 1000');
    try {
      await kojo.send('/sell');
      await tg.waitForMessage(kojo.id, 'Your 32.23726627 USDT would fetch about GHS 480.01, below the smallest sale of GHS 1,000.00, so you cannot sell yet.');
      await kojo.send('10');
      await tg.waitForMessage(kojo.id, "Sorry, I didn't understand that");
    } finally {
      await db.query('UPDATE settings SET min_amount_ghs = 50');
    }
  });

  it('does not accept an expired quote: the user gets a fresh one', async () => {
    await setPrice(bot, '15.20', ADMIN_ID);
    const kojo = await newUser('Kojo');
    await buyFiveHundred(kojo);
    await kojo.send('/sell');
    await kojo.send('5');
    const summary = await tg.waitForMessage(kojo.id, 'Sell USDT');
    clock.advance(10 * MINUTE + 1000);
    await kojo.tap(summary, '✅ Confirm');
    await kojo.send(TEST_PIN);
    await tg.waitForMessage(kojo.id, 'Your quote expired before you confirmed, so here is a fresh one');
    const fresh = await tg.waitForMessage(kojo.id, 'Sell USDT');
    expect(fresh.message_id).toBeGreaterThan(summary.message_id);
    expect(await balances(db, kojo)).toMatchObject({ escrow_crypto: '0.00000000', balance_crypto: '32.23726627' });
    expect(await db.query("SELECT 1 FROM crypto_transactions t JOIN users u ON u.id = t.user_id WHERE u.telegram_id = $1 AND t.type = 'sell'", [kojo.id])).toEqual([]);
    await kojo.tap(fresh, '❌ Cancel');
    await tg.waitForMessage(kojo.id, 'Cancelled; nothing was saved.');
  });
});

describe('rates', () => {
  it('lets an admin set the price by hand in /rates, checked and audited', async () => {
    await admin.send('/rates');
    const none = await tg.waitForMessage(admin.id, 'No price yet');
    await admin.tap(none, '✏️ Set the price by hand');
    await tg.waitForMessage(admin.id, 'Type the price of 1 USDT in cedis');
    await admin.send('cheap');
    await tg.waitForMessage(admin.id, 'That is not a price');
    await admin.send('15.75');
    await admin.tap(await tg.waitForMessage(admin.id, 'Set the USDT price to GHS 15.75?'), '✅ Confirm');
    await tg.waitForMessage(admin.id, 'The USDT price is now GHS 15.75.');
    await admin.send('/rates');
    const shown = await tg.waitForMessage(admin.id, 'USDT price');
    expect(shown.text).toContain('Price: GHS 15.75 from manual');
    expect(shown.text).toContain('users buy at GHS 16.07 and sell at GHS 15.43');
    const audit = await db.query("SELECT details FROM admin_audit_log WHERE subject_kind = 'rates' ORDER BY id DESC LIMIT 1");
    expect(audit).toEqual([{ details: { asset: 'USDT', price: '15.75000000' } }]);

    // A likely typo is pointed out before it reprices every trade.
    await admin.tap(shown, '✏️ Set the price by hand');
    await admin.send('1.575');
    const warned = await tg.waitForMessage(admin.id, 'Set the USDT price to GHS 1.575?');
    expect(warned.text).toContain('That is 90% below the current price.');
    await admin.tap(warned, '❌ Cancel');
    await tg.waitForMessage(admin.id, 'The price was not changed.');
  });

  it('asks for a price set in the admin group with a forced reply that only that admin answers', async () => {
    await admin.send('/rates', { chatId: ADMIN_CHAT_ID });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'USDT price'), '✏️ Set the price by hand', { chatId: ADMIN_CHAT_ID });
    const prompt = await tg.waitForMessage(ADMIN_CHAT_ID, 'Type the price of 1 USDT in cedis');
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await admin.send('14.90', { chatId: ADMIN_CHAT_ID, replyTo: prompt });
    await admin.tap(await tg.waitForMessage(ADMIN_CHAT_ID, 'Set the USDT price to GHS 14.90?'), '✅ Confirm', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ADMIN_CHAT_ID, 'The USDT price is now GHS 14.90.');
  });

  it('in manual mode never pauses a price set by hand, and reminds the admins daily once it is a day old', async () => {
    await setPrice(bot, '15.40', ADMIN_ID);
    const kojo = await newUser('Kojo');
    clock.advance(20 * MINUTE);
    await rateJob();
    await kojo.send('/buy');
    await tg.waitForMessage(kojo.id, 'How much USDT do you want to buy?');
    await kojo.send('/cancel');
    await admin.send('/rates');
    expect((await tg.waitForMessage(admin.id, 'USDT price')).text).toContain('20 minutes ago (set by hand: it does not go stale)');

    const reminders = () => tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('price was set by hand'));
    clock.advance(24 * 60 * MINUTE);
    await rateJob();
    await rateJob();
    const reminder = await tg.waitForMessage(ADMIN_CHAT_ID, 'The USDT price was set by hand 24 hours ago');
    expect(reminder.text).toContain('(GHS 15.40)');
    clock.advance(23 * 60 * MINUTE);
    await rateJob();
    await tg.settle();
    expect(reminders()).toHaveLength(1);
    clock.advance(60 * MINUTE);
    await rateJob();
    await tg.waitForMessage(ADMIN_CHAT_ID, 'set by hand 2 days ago');
    expect(reminders()).toHaveLength(2);
    expect(tg.messages(ADMIN_CHAT_ID).some((message) => message.text?.includes('has not updated'))).toBe(false);
  });

  it('fetches the live price, pauses trading when it is stale and alerts the admins once', async () => {
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    rates.setPrice('USDT', 15.5);
    await rateJob();
    expect((await bot.services.rates.currentPrice())?.priceGhs).toBe('15.50000000');
    const ama = await newUser('Adwoa');

    rates.respondWith('error500');
    clock.advance(16 * MINUTE);
    await rateJob();
    await ama.send('/buy');
    await tg.waitForMessage(ama.id, 'Buying and selling are paused: our price has not updated since');
    await ama.send('/sell');
    await tg.waitForMessage(ama.id, 'Buying and selling are paused');
    await tg.waitForMessage(ADMIN_CHAT_ID, 'The USDT price has not updated since');
    await rateJob();
    await tg.settle();
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('price has not updated'))).toHaveLength(1);
    expect(bot.logs.text).toContain('live price not updated');

    rates.respondWith('ok');
    await rateJob();
    await ama.send('/buy');
    await tg.waitForMessage(ama.id, 'How much USDT do you want to buy?');
    await ama.send('/cancel');
    await tg.waitForMessage(ama.id, 'Cancelled');
  });
});

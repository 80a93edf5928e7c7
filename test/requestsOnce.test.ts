import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, saveFailure, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, expectLedgerMatchesWallets, referenceIn, setPrice, verifiedUser } from './support/flows.ts';
import { TEST_PIN } from './support/users.ts';

const ADMIN_ID = 940001;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
let crash: ReturnType<typeof saveFailure>;
let nextUserId = 7000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Esi', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  crash = saveFailure();
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], rateLimit: { updates: 200, perMilliseconds: 10_000 }, wrapConversationStore: crash.wrap });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  await expectLedgerMatchesWallets(db);
});

async function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

function cardsOf(reference: string) {
  return tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes(reference) && message.reply_markup);
}

describe('a crash between the commit and the conversation save', () => {
  it('makes a withdrawal once: the repeat finds it, posts no second card and tells the user the truth', async () => {
    const kofi = await newUser('Kofi');
    await db.query('UPDATE wallets w SET balance_cedis = 500 FROM users u WHERE u.id = w.user_id AND u.telegram_id = $1', [kofi.id]);
    await db.query("INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id) SELECT w.id, 'cedis_available', 500, 500, 'test_seed', 'test', 0 FROM wallets w JOIN users u ON u.id = w.user_id WHERE u.telegram_id = $1", [kofi.id]);
    await kofi.send('/withdraw');
    await kofi.tap(await tg.waitForMessage(kofi.id, 'Where should the money go?'), '📱 Mobile money');
    await kofi.tap(await tg.waitForMessage(kofi.id, 'Which mobile money network?'), 'MTN');
    await kofi.tap(await tg.waitForMessage(kofi.id, 'Which MTN number'), /^Use /);
    await kofi.tap(await tg.waitForMessage(kofi.id, 'What is the name on the account'), /Test$/);
    await tg.waitForMessage(kofi.id, 'How much do you want to withdraw?');
    await kofi.send('200');
    const summary = await tg.waitForMessage(kofi.id, 'Withdraw GHS 200.00');
    const reference = referenceIn(summary, 'WD');
    await kofi.tap(summary, '✅ Confirm');
    await tg.waitForMessage(kofi.id, 'Type your transaction PIN');
    await tg.settle();

    crash.failNextSave();
    await kofi.send(TEST_PIN);
    await tg.waitForMessage(kofi.id, 'is reserved for your withdrawal');
    await tg.waitForMessage(kofi.id, 'Sorry, something went wrong on our side');
    expect(crash.failures()).toBe(1);
    await cardFor(tg, reference);
    expect(cardsOf(reference)).toHaveLength(1);

    // The user does as asked: the conversation resumes at the PIN, and the request is found, not made again.
    await kofi.send(TEST_PIN);
    const truth = await tg.waitForMessage(kofi.id, 'is reserved for your withdrawal');
    expect(truth.text).toContain(reference);
    await tg.settle();
    await bot.cards.idle();
    expect(await db.query('SELECT count(*)::int AS n FROM cash_withdrawals WHERE reference = $1', [reference])).toEqual([{ n: 1 }]);
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '300.00', escrow_balance: '200.00' });
    expect(cardsOf(reference)).toHaveLength(1);
  });

  it('makes a buy once, and posts its card later when the admin chat refused it the first time', async () => {
    await setPrice(bot, '15.00', ADMIN_ID);
    const ama = await newUser('Ama');
    await ama.send('/buy');
    await tg.waitForMessage(ama.id, 'How much USDT do you want to buy?');
    await ama.send('300');
    await ama.tap(await tg.waitForMessage(ama.id, 'How will you pay?'), '📱 Mobile money');
    const payment = await tg.waitForMessage(ama.id, 'Pay exactly');
    const reference = referenceIn(payment, 'BUY');
    await tg.settle();
    // This time the card is lost too: the admin chat refused it on the first run, after the commit.
    tg.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { chatId: ADMIN_CHAT_ID });
    crash.failNextSave();
    await ama.tap(payment, '✅ I have paid');
    await tg.waitForMessage(ama.id, 'Sorry, something went wrong on our side');
    expect(cardsOf(reference)).toHaveLength(0);

    await ama.send('hello?');
    await ama.tap(await tg.waitForMessage(ama.id, 'Please send a photo, or tap one of the buttons below.'), '✅ I have paid');
    await tg.waitForMessage(ama.id, (message) => (message.text ?? '').includes(`Your purchase ${reference} is waiting`));
    // The card was queued with the buy and is still owed: it goes out when its retry is due (half a minute later).
    expect(await db.query("SELECT action, attempts FROM card_deliveries WHERE action = 'post'")).toEqual([{ action: 'post', attempts: 1 }]);
    await db.query('UPDATE card_deliveries SET next_attempt_at = now()');
    await bot.cards.deliverDue();
    await tg.waitForMessage(ADMIN_CHAT_ID, reference);
    await tg.settle();
    expect(cardsOf(reference)).toHaveLength(1);
    expect(await db.query('SELECT count(*)::int AS n FROM crypto_transactions WHERE reference = $1', [reference])).toEqual([{ n: 1 }]);
  });
});

describe('creating a request again with its reference', () => {
  it('returns the request made the first time, even when both run at once', async () => {
    const yaw = await newUser('Yaw');
    const [row] = await db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [yaw.id]);
    const userId = Number(row?.id);
    const request = { userId, amount: '100', method: 'momo' as const, reference: 'DEP-TWICE001', proof: null };
    const [first, second] = await Promise.all([bot.services.wallet.createDeposit(request), bot.services.wallet.createDeposit(request)]);
    expect(first.status).toBe('created');
    expect(second.status).toBe('created');
    expect(first.status === 'created' && second.status === 'created' && first.id === second.id).toBe(true);
    expect([first, second].filter((result) => result.status === 'created' && result.repeated)).toHaveLength(1);
    expect(await bot.services.wallet.createDeposit(request)).toMatchObject({ status: 'created', repeated: true });
    expect(await db.query("SELECT count(*)::int AS n FROM cash_deposits WHERE reference = 'DEP-TWICE001'")).toEqual([{ n: 1 }]);
  });
});

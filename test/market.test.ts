import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runExpiryJob } from '../src/jobs/expireMarketOrders.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { balances, expectLedgerMatchesWallets, openOrders, TestClock, verifiedUser } from './support/flows.ts';
import { marketViolations, setMarketSettings } from './support/market.ts';
import { ADMIN, fund, invariantViolations, setAmountLimits, setPrice } from './support/money.ts';
import { TEST_PIN } from './support/users.ts';

const DAY = 24 * 60 * 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let nextUserId = 7000;

beforeAll(async () => {
  db = await createTestDatabase();
  await setMarketSettings(db, { min: '10.00', max: '50000.00', days: 7, feePercent: '2.00' });
  await setAmountLimits(db, '0.01', '50000.00');
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  clock = new TestClock();
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN.id], clock: clock.now, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
  await setPrice(bot.services, '15.20');
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
  await expectLedgerMatchesWallets(db);
  expect(await invariantViolations(db)).toEqual([]);
  expect(await marketViolations(db)).toEqual([]);
});

/** A verified user with funds, got the way users get them (an approved deposit and buy). */
async function funded(name: string, amounts: { cedis?: string; crypto?: string }): Promise<TestUser> {
  nextUserId += 1;
  const user = await verifiedUser(db, tg, nextUserId, name);
  const [row] = await db.query<{ id: number }>('SELECT id::int FROM users WHERE telegram_id = $1', [user.id]);
  await fund(bot.services, row?.id ?? 0, amounts);
  return user;
}

/** Places an order through the chat: /market, Buy or Sell, amount, price, Confirm, PIN; returns the reply. */
async function placeThroughChat(user: TestUser, side: '🟢 Buy' | '🔴 Sell', amount: string, price: string): Promise<{ summary: ChatMessage; reply: ChatMessage }> {
  await user.send('/market');
  await user.tap(await tg.waitForMessage(user.id, 'market'), side);
  await tg.waitForMessage(user.id, 'with a limit order');
  await user.send(amount);
  await tg.waitForMessage(user.id, 'price per USDT you accept');
  await user.send(price);
  const summary = await tg.waitForMessage(user.id, 'Reference: MKT-');
  await user.tap(summary, '✅ Confirm');
  await tg.waitForMessage(user.id, 'Type your transaction PIN');
  await user.send(TEST_PIN);
  const reply = await tg.waitForMessage(user.id, (message) => /^✅ (Filled|Partly filled|Your (buy|sell) order)/.test(message.text ?? ''));
  return { summary, reply };
}

describe('the market in the chat', () => {
  it('lets two users trade: a resting sell, a buy that fills it in part, the notices, /orders, cancel and expiry', async () => {
    const esi = await funded('Esi', { crypto: '10' });
    const kofi = await funded('Kofi', { cedis: '200' });

    await esi.send('/market');
    const empty = await tg.waitForMessage(esi.id, 'USDT/GHS market');
    expect(empty.text).toContain('No trades yet.');
    expect(empty.text).toContain('Sell orders (price · USDT)\nnone\n🟢 Buy orders (price · USDT)\nnone');

    // Esi sells 6 at 15.00; bad answers are asked again with the reason.
    await esi.tap(empty, '🔴 Sell');
    const amountQuestion = await tg.waitForMessage(esi.id, 'Sell USDT with a limit order. You have 10.00000000 USDT available.');
    expect(amountQuestion.text).toContain('How much USDT do you want to sell?');
    await esi.send('twelve');
    await tg.waitForMessage(esi.id, 'Please type how much USDT, e.g. 25 or 0.5');
    await esi.send('11');
    await tg.waitForMessage(esi.id, 'You have 10.00000000 USDT available. Type a smaller amount.');
    await esi.send('6');
    await tg.waitForMessage(esi.id, 'What is the lowest price per USDT you accept?');
    await esi.send('15.005');
    await tg.waitForMessage(esi.id, 'with at most 2 decimals, e.g. 15.20');
    await esi.send('1.50');
    await tg.waitForMessage(esi.id, 'An order must be worth at least GHS 10.00; this one is worth GHS 9.00.');
    await esi.send('15.00');
    const sellSummary = await tg.waitForMessage(esi.id, 'Sell 6.00000000 USDT at GHS 15.00 or more');
    expect(sellSummary.text).toContain('Total at your price: GHS 90.00');
    expect(sellSummary.text).toContain('Fee: 2.00% charged to you as seller, GHS 1.80 at your price.');
    expect(sellSummary.text).toContain('You receive: about GHS 88.20');
    await esi.tap(sellSummary, '✅ Confirm');
    await tg.waitForMessage(esi.id, 'Type your transaction PIN');
    await esi.send(TEST_PIN);
    const resting = await tg.waitForMessage(esi.id, 'is on the book.');
    expect(resting.text).toContain('Nothing matches it yet: 6.00000000 USDT is on the book at GHS 15.00 (6.00000000 USDT reserved)');
    expect(await balances(db, esi)).toMatchObject({ balance_crypto: '4.00000000', escrow_crypto: '6.00000000' });
    const sellReference = /MKT-[0-9A-Z]{8}/.exec(resting.text ?? '')?.[0] ?? '';

    // Kofi sees the ask and buys 4 at up to 15.50: filled at 15.00, and the difference comes back.
    const { summary, reply } = await placeThroughChat(kofi, '🟢 Buy', '4', '15.50');
    expect(summary.text).toContain('Buy 4.00000000 USDT at GHS 15.50 or less');
    expect(summary.text).toContain('Total: GHS 62.00, reserved from your wallet now.');
    expect(summary.text).toContain('Fee: none for buyers (sellers pay 2.00%).');
    expect(reply.text).toContain('✅ Filled. Your buy order MKT-');
    expect(reply.text).toContain('you bought 4.00000000 USDT at an average of GHS 15.00 for GHS 60.00. GHS 2.00 of what it reserved is back in your wallet.');
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '140.00', escrow_balance: '0.00', balance_crypto: '4.00000000' });

    const notice = await tg.waitForMessage(esi.id, 'Sell order partly filled');
    expect(notice.text).toBe(
      `Sell order partly filled\nYour sell order ${sellReference} sold 4.00000000 USDT at GHS 15.00 for GHS 60.00; after the 2.00% fee of GHS 1.20, GHS 58.80 is in your wallet. 2.00000000 USDT is still on the book at GHS 15.00.`,
    );
    expect(await balances(db, esi)).toMatchObject({ balance_cedis: '58.80', balance_crypto: '4.00000000', escrow_crypto: '2.00000000' });
    // Kofi read his outcome in the chat; no second message about it.
    await tg.settle();
    expect(tg.messages(kofi.id).filter((message) => message.text?.includes('Buy order filled'))).toEqual([]);

    await kofi.send('/market');
    const book = await tg.waitForMessage(kofi.id, 'USDT/GHS market');
    expect(book.text).toContain('Last trade: GHS 15.00');
    expect(book.text).toContain('Last 24 h: 4.00000000 USDT (GHS 60.00) in 1 trade · change 0.00%');
    expect(book.text).toContain('🔴 Sell orders (price · USDT)\nGHS 15.00 · 2.00000000 USDT\n🟢 Buy orders');

    // Esi cancels the rest in /orders: it asks first, then releases exactly the 2 USDT still reserved.
    const orders = await openOrders(tg, esi, '📈 Market orders', 'Your market orders');
    expect(orders.text).toContain(`🔴 Sell ${sellReference} · 6.00000000 USDT at GHS 15.00\n◐ partly filled, open · filled 4.00000000 USDT`);
    await esi.tap(orders, `✖️ Cancel ${sellReference}`);
    await tg.waitForEdit(esi.id, orders.message_id, 'What it still reserves, 2.00000000 USDT, goes back to your wallet.');
    await esi.tap(orders, '✅ Yes, cancel it');
    const after = await tg.waitForEdit(esi.id, orders.message_id, `✅ Cancelled ${sellReference}: 2.00000000 USDT is back in your wallet.`);
    expect(after.text).toContain('✖️ cancelled · filled 4.00000000 USDT');
    expect(JSON.stringify(after.reply_markup ?? {})).not.toContain('Cancel');
    expect(await balances(db, esi)).toMatchObject({ balance_crypto: '6.00000000', escrow_crypto: '0.00000000' });

    // Kofi's new bid rests; after its 7 days the expiry job closes it, gives the cedis back and tells him.
    const bid = await placeThroughChat(kofi, '🟢 Buy', '2', '14.00');
    expect(bid.reply.text).toContain('(GHS 28.00 reserved)');
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '112.00', escrow_balance: '28.00' });
    clock.advance(7 * DAY + 60_000);
    expect(await runExpiryJob({ market: bot.services.market, delivery: bot.notifications, clock: clock.now, logger: bot.logger })).toBe(1);
    const expired = await tg.waitForMessage(kofi.id, 'Order expired');
    expect(expired.text).toContain('has expired: the GHS 28.00 it still reserved is back in your wallet. Place a new one with /market.');
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '140.00', escrow_balance: '0.00' });
  });

  it('redraws the book on Refresh, lists no orders yet, and tells a seller with nothing to sell what to do', async () => {
    const ama = await funded('Ama', { cedis: '100' });
    await ama.send('/market');
    const view = await tg.waitForMessage(ama.id, 'USDT/GHS market');
    expect((await ama.tapAndAwaitAnswer(view, '🔄 Refresh')).text).toBe('Nothing has changed since.');
    const seller = await funded('Yaw', { crypto: '3' });
    await placeThroughChat(seller, '🔴 Sell', '3', '16.00');
    expect((await ama.tapAndAwaitAnswer(view, '🔄 Refresh')).text).toBe('Updated.');
    await tg.waitForEdit(ama.id, view.message_id, '🔴 Sell orders (price · USDT)\nGHS 16.00 · 3.00000000 USDT');
    await ama.tap(view, '📦 My orders');
    await tg.waitForMessage(ama.id, 'You have no market orders yet. Open /market to place one.');
    await ama.tap(view, '🔴 Sell');
    await tg.waitForMessage(ama.id, 'You have no USDT available to sell.');
  });
});

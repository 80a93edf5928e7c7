import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionAction } from '../src/services/approvals/approvalKind.ts';
import { newReference } from '../src/services/common/references.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { setPrice, TestClock } from './support/flows.ts';
import { pixelAt, sidewaysPhoto } from './support/images.ts';
import { payOut } from './support/money.ts';
import { seedUser } from './support/users.ts';

const ADMIN_ID = 950001;
const ADMIN = { id: ADMIN_ID, first_name: 'Yaa' };

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let admin: TestUser;
/** The business's history is written at the times it happened; /stats is asked at 12:00 on Tuesday 10 March. */
const clock = new TestClock(new Date('2026-03-03T08:00:00Z'));
const users: Record<'ama' | 'kofi' | 'esi' | 'yaw' | 'efua', number> = { ama: 0, kofi: 0, esi: 0, yaw: 0, efua: 0 };
let giftCardName = '';

const at = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());

async function decide(kind: string, id: number, action: DecisionAction = 'approve'): Promise<void> {
  const result =
    kind === 'withdrawal' && action === 'approve'
      ? await payOut(bot.services, id, ADMIN)
      : await bot.services.approvals.decide({ kind, id, action, from: ADMIN, ...(action === 'decline' ? { reason: 'Not as shown' } : {}) });
  if (result.outcome !== 'applied') throw new Error(`${action} ${kind} #${id}: ${result.outcome}`);
}

function created(result: { status: string; id?: number }): number {
  if (result.status !== 'created' || result.id === undefined) throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.id;
}

async function deposit(userId: number, amount: string): Promise<number> {
  return created(await bot.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null }));
}

async function quote(side: 'buy' | 'sell', amount: string) {
  const quoted = await bot.services.quotes.quote(side, { currency: 'GHS', amount });
  if (quoted.status !== 'ok') throw new Error(`quote ${side}: ${quoted.status}`);
  return quoted.quote;
}

async function place(userId: number, side: 'BUY' | 'SELL', amount: string, price: string): Promise<void> {
  const result = await bot.services.market.place({ userId, side, amount, price, reference: newReference('MKT') });
  if (result.status !== 'placed') throw new Error(`place: ${result.status}`);
}

/**
 * Five users (joined today, yesterday, at the very start of the last 7 days, just before it, and two months
 * ago) at different stages of KYC, and money moved on either side of each window's edge.
 */
async function history(): Promise<void> {
  const photo = await sidewaysPhoto();
  const joined = { ama: '2026-03-10T09:00:00Z', kofi: '2026-03-09T18:00:00Z', esi: '2026-03-04T00:00:00Z', yaw: '2026-03-03T23:59:59Z', efua: '2026-01-15T10:00:00Z' };
  let telegramId = 5100;
  for (const [name, when] of Object.entries(joined) as [keyof typeof users, string][]) {
    telegramId += 1;
    const user = await seedUser(db, tg.createUser({ id: telegramId, first_name: name[0]?.toUpperCase() + name.slice(1), last_name: 'Test' }));
    users[name] = user.id;
    await db.query('UPDATE users SET created_at = $1 WHERE id = $2', [when, user.id]);
  }
  // KYC: Esi approved on the 9th, Yaw approved and Kofi rejected on the 10th, Ama waiting since 06:00 on the 10th, Efua never sent any.
  const reviews = { esi: ['approve', '2026-03-09T10:00:00Z'], yaw: ['approve', '2026-03-10T09:00:00Z'], kofi: ['decline', '2026-03-10T15:00:00Z'], ama: [null, null] } as const;
  for (const [name, [action, when]] of Object.entries(reviews) as [keyof typeof users, readonly [DecisionAction | null, string | null]][]) {
    const submitted = await bot.services.kyc.submit(
      { userId: users[name], documentType: 'PASSPORT', documentNumber: 'G1234567', firstName: name, lastName: 'Test', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
      { front: photo, back: null, selfie: photo },
    );
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    if (action) await decide('kyc', submitted.kyc.id, action);
    await db.query("UPDATE kyc_submissions SET submitted_at = '2026-03-10T06:00:00Z', reviewed_at = $1 WHERE user_id = $2", [when, users[name]]);
    await db.query("UPDATE kyc_verifications SET submitted_at = '2026-03-10T06:00:00Z', reviewed_at = $1 WHERE user_id = $2", [when, users[name]]);
  }

  await db.query("UPDATE settings SET live_rate_source = 'manual'");
  at('2026-03-03T12:00:00Z');
  await setPrice(bot, '15.00', ADMIN_ID);
  at('2026-03-03T23:59:59Z'); // 30 days, not 7
  await decide('deposit', await deposit(users.esi, '1000'));
  at('2026-03-04T00:00:00Z'); // the first second of the last 7 days
  await decide('buy', created(await bot.services.trading.createBuy({ userId: users.yaw, quote: await quote('buy', '500'), method: 'momo', reference: newReference('BUY'), proof: null })));
  at('2026-03-09T23:59:59Z'); // 7 days, not today
  const card = await bot.services.giftcards.catalogue.add({ name: 'Steam Wallet', brand: 'Steam', currency: 'USD', rateBuy: '11.50', rateSell: '13.00', active: true }, null, ADMIN);
  if (card.status !== 'done') throw new Error(card.status);
  giftCardName = card.card.name;
  const tradeIn = await bot.services.giftcards.orders.create({ userId: users.esi, cardId: card.card.id, faceValue: '100.00', quotedRate: '11.50', code: null, proofs: [photo], reference: newReference('GC') });
  await decide('gift_card', created(tradeIn));
  // Today: a withdrawal, a sell and a market trade are approved or filled; a declined deposit and one still waiting are not money moved.
  at('2026-03-10T08:00:00Z');
  await decide('withdrawal', created(await bot.services.wallet.createWithdrawal({ userId: users.esi, amount: '200', payout: { method: 'momo', momoNetwork: 'MTN', bankName: null, accountNumber: '0241234567', accountName: 'Esi Test' }, reference: newReference('WD') })));
  await decide('sell', created(await bot.services.trading.createSell({ userId: users.yaw, quote: await quote('sell', '150'), reference: newReference('SELL') })));
  at('2026-03-10T10:00:00Z');
  await place(users.yaw, 'SELL', '10', '15.50');
  await place(users.esi, 'BUY', '10', '15.50');
  await place(users.esi, 'BUY', '1', '15.00'); // rests on the book
  await decide('deposit', await deposit(users.yaw, '400'), 'decline');
  at('2026-03-10T11:00:00Z');
  await deposit(users.esi, '300');
}

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await FakeTelegram.start();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Yaa', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], clock: clock.now });
  await history();
  at('2026-03-10T12:00:00Z');
});
afterAll(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
  await db.drop();
});

/** The colour of one pixel of a PNG, as #rrggbb. */
async function pixel(png: Buffer, x: number, y: number): Promise<string> {
  return `#${(await pixelAt(png, Math.round(x), y)).map((value) => value.toString(16).padStart(2, '0')).join('')}`;
}

describe('/stats', () => {
  let figures: ChatMessage;
  let chart: ChatMessage;

  beforeAll(async () => {
    await admin.send('/stats', { chatId: ADMIN_CHAT_ID });
    figures = await tg.waitForMessage(ADMIN_CHAT_ID, 'Desk statistics');
    chart = await tg.waitForMessage(ADMIN_CHAT_ID, (message) => Boolean(message.photo));
  });

  it('gives the users, the KYC funnel, money moved per kind today, in 7 and in 30 days, the queue, top gift cards and the market', () => {
    const kinds = (counts: readonly [number, string][]) =>
      ['Buys', 'Sells', 'Deposits', 'Withdrawals', 'Gift cards', 'Market trades', 'Crypto received', 'Crypto sent']
        .map((label, index) => `  ${label}: ${counts[index]?.[0] ?? 0} · GHS ${counts[index]?.[1] ?? '0.00'}`)
        .join('\n');
    expect(figures.text).toBe(
      [
        '📊 Desk statistics · 10 Mar 2026, 12:00 (days in Accra time)',
        '',
        '👥 Users: 5 · new today 1 · 7 days 3 · 30 days 4',
        '🪪 Verification: 5 registered → 4 sent documents → 2 approved · 1 rejected · 1 waiting',
        '',
        '💵 Money moved (approved requests by decision time, market trades by fill)',
        'Today: 3 · GHS 505.00',
        kinds([[0, '0.00'], [1, '150.00'], [0, '0.00'], [1, '200.00'], [0, '0.00'], [1, '155.00']]),
        '',
        'Last 7 days: 5 · GHS 2,155.00',
        kinds([[1, '500.00'], [1, '150.00'], [0, '0.00'], [1, '200.00'], [1, '1,150.00'], [1, '155.00']]),
        '',
        'Last 30 days: 6 · GHS 3,155.00',
        kinds([[1, '500.00'], [1, '150.00'], [1, '1,000.00'], [1, '200.00'], [1, '1,150.00'], [1, '155.00']]),
        '',
        '⏳ Waiting for a decision: 2 (KYC verification 1, Deposit 1), the oldest for 6 hours. Send /pending to decide them.',
        '',
        '🎁 Top gift cards (30 days, by payout)',
        `  1. ${giftCardName}: 1 trade-in · USD 100.00 face value · GHS 1,150.00 paid`,
        '',
        '📈 Market: 1 open buy and 0 open sell orders; 10.00000000 USDT traded in 30 days',
      ].join('\n'),
    );
  });

  it('sends a chart of money moved per day over the last 30 days as a 1200 × 600 PNG photo', async () => {
    expect(chart.caption).toBe('📈 Money moved per day, last 30 days: GHS 3,155.00 in all; the busiest day was 9 Mar 2026 with GHS 1,150.00.');
    const png = tg.mediaBytes(chart);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 1200, height: 600 });
    // Bars stand on the axis at y = 550; the 30 days share x from 90 to 1180, 9 February first, 10 March last.
    const column = (day: number) => 90 + ((1180 - 90) / 30) * (day + 0.5);
    expect(await pixel(png, column(28), 545)).toBe('#6a1b9a'); // 9 March: the gift card's payout
    expect(await pixel(png, column(29), 545)).toBe('#c62828'); // 10 March: the sell at the bottom of its stack
    expect(await pixel(png, column(22), 545)).toBe('#1565c0'); // 3 March: the deposit
    expect(await pixel(png, column(23), 545)).toBe('#2e7d32'); // 4 March: the buy
    expect(await pixel(png, column(10), 545)).toBe('#ffffff'); // 19 February: nothing
    // The axis goes up to GHS 2,000 at y = 100 (450 px): 9 March's 1,150 reaches y ≈ 291, 10 March's stack of
    // 150 (sell), 200 (withdrawal) and 155 (market) reaches y ≈ 436.
    expect(await pixel(png, column(28), 300)).toBe('#6a1b9a');
    expect(await pixel(png, column(28), 280)).toBe('#ffffff');
    expect(await pixel(png, column(29), 490)).toBe('#ef6c00');
    expect(await pixel(png, column(29), 445)).toBe('#00838f');
    expect(await pixel(png, column(29), 430)).toBe('#ffffff');
  });
});

describe('the daily digest', () => {
  it('tells the admin chat at 08:00 how yesterday went and what is waiting', async () => {
    at('2026-03-11T08:00:00Z');
    await bot.runJob('daily-digest');
    const digest = await tg.waitForMessage(ADMIN_CHAT_ID, 'Daily digest');
    expect(digest.text).toBe(
      [
        '☀️ Daily digest for 10 Mar 2026',
        '',
        '👥 New users: 1',
        '🪪 Verifications: 1 approved · 1 rejected',
        '💵 Money moved: 3 · GHS 505.00',
        '  Buys: 0 · GHS 0.00',
        '  Sells: 1 · GHS 150.00',
        '  Deposits: 0 · GHS 0.00',
        '  Withdrawals: 1 · GHS 200.00',
        '  Gift cards: 0 · GHS 0.00',
        '  Market trades: 1 · GHS 155.00',
        '  Crypto received: 0 · GHS 0.00',
        '  Crypto sent: 0 · GHS 0.00',
        '',
        '⏳ Waiting for a decision: 2 (KYC verification 1, Deposit 1), the oldest for 26 hours. Send /pending to decide them.',
        '',
        'Send /stats for the last 30 days and a chart.',
      ].join('\n'),
    );
  });
});

describe('the nightly check of user_metrics', () => {
  it('corrects metrics that drifted from the trades and tells the admin chat what it changed; silent when all match', async () => {
    const metrics = () => db.query('SELECT user_id, total_trades, total_volume, total_profit, market_position, market_cost_ghs, last_trade_at FROM user_metrics ORDER BY user_id');
    const correct = await metrics();
    expect(correct.filter((row) => row.total_trades !== 0).map((row) => [row.user_id, row.total_trades, row.total_volume])).toEqual([
      [String(users.esi), 1, '155.00000000'],
      [String(users.yaw), 1, '155.00000000'],
    ]);
    await bot.runJob('reconcile-user-metrics');
    await tg.settle();
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('Trading metrics corrected'))).toEqual([]);

    // A hand edit and a lost update.
    await db.query('UPDATE user_metrics SET total_trades = 5, total_volume = 999.5 WHERE user_id = $1', [users.yaw]);
    await db.query('UPDATE user_metrics SET last_trade_at = NULL, market_position = 0 WHERE user_id = $1', [users.esi]);
    at('2026-03-12T03:00:00Z');
    await bot.runJob('reconcile-user-metrics');
    const report = await tg.waitForMessage(ADMIN_CHAT_ID, 'Trading metrics corrected');
    expect(report.text).toContain(`Trading metrics corrected for 2 of ${correct.length} users`);
    expect(report.text).toContain(`• User #${users.yaw}: total_trades 5 → 1; total_volume 999.50000000 → 155.00000000`);
    expect(report.text).toContain(`• User #${users.esi}: market_position 0.00000000 → 10.00000000; last_trade_at none → 2026-03-10T10:00:00.000Z`);
    expect(await metrics()).toEqual(correct);
    expect(bot.logs.lines.filter((line) => line.includes('user metrics drifted from the trades and the ledger; corrected'))).toHaveLength(2);
  });
});

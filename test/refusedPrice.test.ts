import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeRates, FAKE_CMC_API_KEY } from './support/fakeRates.ts';
import { FakeTelegram, type TestUser } from './support/fakeTelegram/index.ts';
import { TestClock } from './support/flows.ts';

const ESI = 954_001;
const AMA = 954_002;

let db: TestDatabase;
let tg: FakeTelegram;
let rates: FakeRates;
let bot: TestBot;
let esi: TestUser;
let ama: TestUser;
const clock = new TestClock(new Date('2026-05-04T09:00:00Z'));

beforeAll(async () => {
  [db, tg, rates] = await Promise.all([createTestDatabase(), FakeTelegram.start(), FakeRates.start()]);
  esi = tg.createUser({ id: ESI, first_name: 'Esi', last_name: 'Admin' });
  // Ama is in the group but not an admin.
  ama = tg.createUser({ id: AMA, first_name: 'Ama', last_name: 'Member' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [esi, ama] });
  await db.query("UPDATE settings SET live_rate_source = 'coinmarketcap'");
  bot = await startTestBot({
    db,
    tg,
    adminIds: [ESI],
    clock: clock.now,
    rateSources: { coinmarketcapUrl: rates.url, coinmarketcapApiKey: FAKE_CMC_API_KEY, coingeckoUrl: rates.url },
  });
});
afterAll(async () => {
  await bot.stop();
  await Promise.all([tg.stop(), rates.stop()]);
  await db.drop();
});

const storedPrices = () => db.query<{ source: string; price_ghs: string }>('SELECT source, price_ghs FROM rates ORDER BY id');

describe('a live price the sanity check refused', () => {
  it('reaches the admin group with a button that only an admin can use, once, audited', async () => {
    rates.setPrice('USDT', 15.2);
    await bot.runJob('rates');
    rates.setPrice('USDT', 24.3);
    clock.advance(60_000);
    await bot.runJob('rates');
    const notice = await tg.waitForMessage(ADMIN_CHAT_ID, 'A live USDT price was refused');
    expect(notice.text).toContain('CoinMarketCap said GHS 24.30 at 09:01, more than 50% away from GHS 15.20 (CoinMarketCap, 1 minute ago)');
    expect(await storedPrices()).toEqual([{ source: 'coinmarketcap', price_ghs: '15.20000000' }]);
    // The next minute's refusal does not repeat it.
    clock.advance(60_000);
    await bot.runJob('rates');
    await tg.settle();
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('was refused'))).toHaveLength(1);

    const refused = await ama.tapAndAwaitAnswer(notice, '✅ Use GHS 24.30', { chatId: ADMIN_CHAT_ID });
    expect(refused).toMatchObject({ text: 'Only admins can do this.', show_alert: true });
    expect(await storedPrices()).toHaveLength(1);

    const done = await esi.tapAndAwaitAnswer(notice, '✅ Use GHS 24.30', { chatId: ADMIN_CHAT_ID });
    expect(done.text).toBe('Done: GHS 24.30 is the price now.');
    const edited = await tg.waitForEdit(ADMIN_CHAT_ID, notice.message_id, (message) => (message.text ?? '').includes('Accepted by Esi Admin'));
    expect(edited.reply_markup).toBeUndefined();
    expect(await storedPrices()).toEqual([
      { source: 'coinmarketcap', price_ghs: '15.20000000' },
      { source: 'coinmarketcap', price_ghs: '24.30000000' },
    ]);
    expect(await db.query("SELECT admin_name, action FROM admin_audit_log WHERE subject_kind = 'rates'")).toEqual([{ admin_name: 'Esi Admin', action: 'accept_live_price' }]);

    // The feed goes on from the accepted price.
    rates.setPrice('USDT', 24.4);
    clock.advance(60_000);
    await bot.runJob('rates');
    expect((await storedPrices()).at(-1)).toEqual({ source: 'coinmarketcap', price_ghs: '24.40000000' });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createAdminService } from '../../src/services/accounts/admins.ts';
import { Big } from '../../src/services/common/amounts.ts';
import { createCoinGeckoProvider, createCoinMarketCapProvider, type RateProvider } from '../../src/services/rates/providers.ts';
import { createRateService, STALE_AFTER_MS, type RateService } from '../../src/services/rates/rates.ts';
import { LogCapture } from '../support/bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FAKE_CMC_API_KEY, FakeRates } from '../support/fakeRates.ts';
import { seedUser } from '../support/users.ts';

const ADMIN = { id: 70_001, first_name: 'Abena', last_name: 'Asante', username: 'abena' };
const CUSTOMER = { id: 70_002, first_name: 'Kofi', last_name: 'Mensah', username: 'kofi' };

let db: TestDatabase;
let fake: FakeRates;
let adminUserId: number;
let logs: LogCapture;
let now: Date;
const clock = () => new Date(now.getTime());
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase(), FakeRates.start()]);
  adminUserId = (await seedUser(db, ADMIN, { adminIds: [ADMIN.id] })).id;
  await seedUser(db, CUSTOMER);
});
afterAll(async () => {
  await fake.stop();
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM rates');
  await db.query('DELETE FROM refused_live_prices');
  await db.query('DELETE FROM admin_audit_log');
  await db.query("UPDATE settings SET live_rate_source = 'coinmarketcap', rate_stale_alerted_at = NULL");
  fake.respondWith('ok');
  fake.setPrice('USDT', 15.2);
  fake.requests.length = 0;
  logs = new LogCapture();
  now = new Date('2025-06-02T09:00:00Z');
});

const cmc = (options: { apiKey?: string | undefined; timeoutMs?: number } = {}) =>
  createCoinMarketCapProvider({ baseUrl: fake.url, apiKey: 'apiKey' in options ? options.apiKey : FAKE_CMC_API_KEY, timeoutMs: options.timeoutMs ?? 200 });
const gecko = () => createCoinGeckoProvider({ baseUrl: fake.url, timeoutMs: 200 });

function service(providers: Partial<Record<RateProvider['source'], RateProvider>> = { coinmarketcap: cmc(), coingecko: gecko() }): RateService {
  return createRateService({
    pool: db.pool,
    asset: 'USDT',
    providers,
    admins: createAdminService({ pool: db.pool, adminIds: [ADMIN.id] }),
    clock,
    logger: createLogger('info', logs),
  });
}

const rates = () =>
  db.query<{ source: string; price_ghs: string; fetched_at: Date; set_by_admin_id: string | null }>(
    'SELECT source, price_ghs, fetched_at, set_by_admin_id FROM rates ORDER BY id',
  );
const warnings = () => logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 40);
const staleAlertedAt = async () => (await db.query<{ at: Date | null }>('SELECT rate_stale_alerted_at AS at FROM settings'))[0]?.at;

describe('live prices', () => {
  it('stores the CoinMarketCap price exactly, sending the API key', async () => {
    fake.setPrice('USDT', 15.23456789);
    expect(await service().refresh()).toEqual({ status: 'updated', priceGhs: '15.23456789' });
    expect(await rates()).toEqual([{ source: 'coinmarketcap', price_ghs: '15.23456789', fetched_at: now, set_by_admin_id: null }]);
    expect(fake.requests).toHaveLength(1);
    // By CoinMarketCap's id for USDT: several coins go by the symbol.
    expect(fake.requests[0]?.path).toBe('/v2/cryptocurrency/quotes/latest?id=825&convert=GHS');
    expect(fake.requests[0]?.headers['x-cmc_pro_api_key']).toBe(FAKE_CMC_API_KEY);
    expect(warnings()).toEqual([]);
  });

  it('stores the CoinGecko price exactly, without sending the CMC key there', async () => {
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    fake.setPrice('USDT', 15.87654321);
    expect(await service().refresh()).toEqual({ status: 'updated', priceGhs: '15.87654321' });
    expect(await rates()).toMatchObject([{ source: 'coingecko', price_ghs: '15.87654321' }]);
    expect(fake.requests.map((request) => request.path)).toEqual(['/api/v3/simple/price?ids=tether&vs_currencies=ghs']);
    expect(fake.requests[0]?.headers['x-cmc_pro_api_key']).toBeUndefined();
  });

  it.each([
    [15.123456785, '15.12345679'],
    [1e-7, '0.00000010'],
    [12345.5, '12345.50000000'],
  ])('rounds a reported %s to 8 places: %s', async (reported, stored) => {
    fake.setPrice('BTC', reported);
    expect(await cmc().fetchPriceGhs('BTC')).toBe(new Big(stored).toFixed());
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    const btc = createRateService({ pool: db.pool, asset: 'BTC', providers: { coingecko: gecko() }, admins: createAdminService({ pool: db.pool, adminIds: [] }), clock, logger: createLogger('info', logs) });
    expect(await btc.refresh()).toEqual({ status: 'updated', priceGhs: stored });
  });

  const faults: [string, () => void, RegExp][] = [
    ['an HTTP 500', () => fake.respondWith('error500'), /HTTP 500/],
    ['no answer before the timeout', () => fake.respondWith('timeout'), /did not answer within 200 ms/],
    ['HTML instead of JSON', () => fake.respondWith('garbage'), /not JSON/],
    ['a negative price', () => fake.respondWith('nonsense'), /unexpected answer/],
    ['a missing price', () => fake.setPrice('USDT', null), /unexpected answer/],
    ['a zero price', () => fake.setPrice('USDT', 0), /unexpected answer/],
    ['a price that is text', () => fake.setPrice('USDT', 'fifteen'), /unexpected answer/],
    ['a numeric string', () => fake.setPrice('USDT', '15.2'), /unexpected answer/],
    ['a price rounding to zero', () => fake.setPrice('USDT', 1e-9), /unusable USDT price/],
  ];
  for (const source of ['coinmarketcap', 'coingecko'] as const) {
    it.each(faults)(`${source}: %s changes nothing and is logged`, async (_name, fault, reason) => {
      await db.query('UPDATE settings SET live_rate_source = $1', [source]);
      const rateService = service();
      await rateService.refresh();
      const before = await rates();
      expect(before).toHaveLength(1);
      await db.query('UPDATE settings SET rate_stale_alerted_at = now()');

      fault();
      advance(60_000);
      const result = await rateService.refresh();
      expect(result).toEqual({ status: 'failed', reason: expect.stringMatching(reason) as unknown });
      expect(await rates()).toEqual(before);
      expect((await rateService.currentPrice())?.priceGhs).toBe('15.20000000');
      expect(await staleAlertedAt()).toBeInstanceOf(Date);
      expect(warnings()).toMatchObject([{ source, asset: 'USDT', reason: expect.stringMatching(reason) as unknown }]);
    });
  }

  it.each([
    ['a jump of more than 50%', 22.81],
    ['a fall of more than 50%', 7.59],
  ])('%s is refused, stored for the admins to accept at most hourly, and changes nothing else', async (_name, jump) => {
    const rateService = service();
    await rateService.refresh();
    const before = await rates();
    fake.setPrice('USDT', jump);
    advance(60_000);
    const result = await rateService.refresh();
    expect(result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/more than 50% away from the last price, 15.20000000 GHS \(coinmarketcap\)/) as unknown });
    expect(result.status === 'refused' && result.alert).toMatchObject({ source: 'coinmarketcap', price_ghs: new Big(jump).toFixed(8), compared_with_ghs: '15.20000000', compared_source: 'coinmarketcap' });
    expect(await rates()).toEqual(before);
    // Refused again a minute later: the admins were told already.
    advance(60_000);
    expect(await rateService.refresh()).toMatchObject({ status: 'refused', alert: null });
    advance(60 * 60_000);
    expect(await rateService.refresh()).toMatchObject({ status: 'refused', alert: { price_ghs: new Big(jump).toFixed(8) } });
  });

  it('after more than a day without a live price, compares with the newest price of any source', async () => {
    const rateService = service();
    await rateService.refresh(); // 15.20, live
    advance(90 * 24 * 60 * 60_000);
    // Months of prices set by hand while the cedi fell: the market is now 60% above the last live price.
    await rateService.setManualPrice('24.00', ADMIN);
    advance(60_000);
    fake.setPrice('USDT', 24.3);
    expect(await rateService.refresh()).toEqual({ status: 'updated', priceGhs: '24.30000000' });
    // A typo by hand within the day still does not block the feed: the live price is the one compared with.
    await rateService.setManualPrice('2.43', ADMIN);
    advance(60_000);
    fake.setPrice('USDT', 24.4);
    expect(await rateService.refresh()).toEqual({ status: 'updated', priceGhs: '24.40000000' });
  });

  it('an admin accepts a refused live price once: it becomes the live price, audited; later taps change nothing', async () => {
    const rateService = service();
    await rateService.refresh();
    fake.setPrice('USDT', 24.3);
    advance(60_000);
    const refused = await rateService.refresh();
    const id = refused.status === 'refused' ? (refused.alert?.id ?? 0) : 0;
    const refusedAt = clock();
    advance(5 * 60_000);
    expect(await rateService.acceptRefusedPrice(id, CUSTOMER)).toEqual({ status: 'not_admin' });
    const [first, second] = await Promise.all([rateService.acceptRefusedPrice(id, ADMIN), rateService.acceptRefusedPrice(id, ADMIN)]);
    expect([first.status, second.status].sort()).toEqual(['accepted', 'already_accepted']);
    expect((await rates()).at(-1)).toEqual({ source: 'coinmarketcap', price_ghs: '24.30000000', fetched_at: refusedAt, set_by_admin_id: String(adminUserId) });
    expect(await db.query("SELECT action, subject_id, admin_name, details FROM admin_audit_log WHERE action = 'accept_live_price'")).toEqual([
      {
        action: 'accept_live_price',
        subject_id: String(id),
        admin_name: 'Abena Asante',
        details: { asset: 'USDT', price: '24.30000000', source: 'coinmarketcap', compared_with: '15.20000000', compared_source: 'coinmarketcap' },
      },
    ]);
    // The feed goes on from it.
    advance(60_000);
    fake.setPrice('USDT', 24.5);
    expect(await rateService.refresh()).toEqual({ status: 'updated', priceGhs: '24.50000000' });
    expect(await rateService.acceptRefusedPrice(id, ADMIN)).toMatchObject({ status: 'already_accepted' });
  });

  it('a refused price the feed overtook is not accepted', async () => {
    const rateService = service();
    await rateService.refresh();
    fake.setPrice('USDT', 40);
    advance(60_000);
    const refused = await rateService.refresh();
    fake.setPrice('USDT', 15.4);
    advance(60_000);
    await rateService.refresh();
    expect(await rateService.acceptRefusedPrice(refused.status === 'refused' ? (refused.alert?.id ?? 0) : 0, ADMIN)).toMatchObject({ status: 'superseded' });
    expect((await rateService.currentPrice())?.priceGhs).toBe('15.40000000');
    expect(await rateService.acceptRefusedPrice(999_999, ADMIN)).toEqual({ status: 'not_found' });
  });

  it('CoinMarketCap is asked by id, and an asset without one is refused before asking', async () => {
    fake.setPrice('BTC', 1_200_000);
    expect(await cmc().fetchPriceGhs('BTC')).toBe('1200000');
    await expect(cmc().fetchPriceGhs('DOGE')).rejects.toThrow('CoinMarketCap has no id for DOGE');
    expect(fake.requests.map((request) => request.path)).toEqual(['/v2/cryptocurrency/quotes/latest?id=1&convert=GHS']);
  });

  it('moves within 50% are accepted', async () => {
    const rateService = service();
    await rateService.refresh();
    fake.setPrice('USDT', 22.8);
    expect(await rateService.refresh()).toEqual({ status: 'updated', priceGhs: '22.80000000' });
  });

  it('a wrong or missing CMC key fails without leaking it', async () => {
    const wrongKey = 'wrong-key-abcdefghij';
    expect(await service({ coinmarketcap: cmc({ apiKey: wrongKey }) }).refresh()).toEqual({ status: 'failed', reason: 'CoinMarketCap answered HTTP 401' });
    expect(fake.requests[0]?.headers['x-cmc_pro_api_key']).toBe(wrongKey);
    expect(await service({ coinmarketcap: cmc({ apiKey: undefined }) }).refresh()).toEqual({ status: 'failed', reason: 'CMC_API_KEY is not set' });
    expect(fake.requests).toHaveLength(1);
    expect(logs.text).not.toContain(wrongKey);
    expect(await rates()).toEqual([]);
  });

  it('an unreachable API or an unconfigured source fails and is logged', async () => {
    const closed = await FakeRates.start();
    const deadUrl = closed.url;
    await closed.stop();
    const unreachable = createCoinGeckoProvider({ baseUrl: deadUrl });
    await db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    expect(await service({ coingecko: unreachable }).refresh()).toEqual({ status: 'failed', reason: expect.stringMatching(/^CoinGecko could not be reached: .*ECONNREFUSED/) as unknown });
    expect(await service({ coinmarketcap: cmc() }).refresh()).toEqual({ status: 'failed', reason: 'no coingecko provider is configured' });
    expect(warnings().map((entry) => entry.source)).toEqual(['coingecko', 'coingecko']);
    expect(await rates()).toEqual([]);
  });

  it('CoinGecko refuses an asset it has no id for', async () => {
    await expect(gecko().fetchPriceGhs('DOGE')).rejects.toThrow('CoinGecko has no id for DOGE');
    expect(fake.requests).toEqual([]);
  });

  it('fetches nothing when the source is manual', async () => {
    await db.query("UPDATE settings SET live_rate_source = 'manual'");
    expect(await service().refresh()).toEqual({ status: 'manual' });
    expect(fake.requests).toEqual([]);
    expect(await rates()).toEqual([]);
  });
});

describe('manual price', () => {
  it.each([
    ['15.2', '15.20000000'],
    ['GHS 15.20', '15.20000000'],
    ['15,000.5', '15000.50000000'],
    ['₵ 0.12345678', '0.12345678'],
    ['16 cedis', '16.00000000'],
  ])('an admin sets %s: stored as %s, audited, and the stale alert re-armed', async (text, stored) => {
    await db.query('UPDATE settings SET rate_stale_alerted_at = now()');
    const rateService = service();
    expect(await rateService.setManualPrice(text, ADMIN)).toEqual({ ok: true, value: stored });
    expect(await rates()).toEqual([{ source: 'manual', price_ghs: stored, fetched_at: now, set_by_admin_id: String(adminUserId) }]);
    expect(await rateService.currentPrice()).toEqual({ priceGhs: stored, source: 'manual', fetchedAt: now, stale: false });
    expect(await db.query('SELECT subject_kind, subject_id, action, admin_telegram_id, admin_name, details FROM admin_audit_log')).toEqual([
      {
        subject_kind: 'rates',
        subject_id: null,
        action: 'set_price',
        admin_telegram_id: String(ADMIN.id),
        admin_name: 'Abena Asante',
        details: { asset: 'USDT', price: stored },
      },
    ]);
    expect(await staleAlertedAt()).toBeNull();
  });

  it('is the newest price while the live source is on, until the next fetch', async () => {
    const rateService = service();
    await rateService.refresh();
    advance(1_000);
    await rateService.setManualPrice('16.1', ADMIN);
    expect(await rateService.currentPrice()).toMatchObject({ priceGhs: '16.10000000', source: 'manual' });
    advance(1_000);
    await rateService.refresh();
    expect(await rateService.currentPrice()).toMatchObject({ priceGhs: '15.20000000', source: 'coinmarketcap' });
  });

  it('does not block the live feed when it is a typo far from the market', async () => {
    const rateService = service();
    await rateService.refresh();
    advance(1_000);
    expect(await rateService.previewManualPrice('1.52')).toEqual({ ok: true, value: { price: '1.52', changePercent: '-90.0' } });
    await rateService.setManualPrice('1.52', ADMIN);
    advance(60_000);
    fake.setPrice('USDT', 15.3);
    expect(await rateService.refresh()).toEqual({ status: 'updated', priceGhs: '15.30000000' });
    expect((await rateService.currentPrice())?.source).toBe('coinmarketcap');
  });

  it('is refused for a non-admin and changes nothing', async () => {
    expect(await service().setManualPrice('15.2', CUSTOMER)).toEqual({ ok: false, reason: 'Only admins can set the price.' });
    expect(await rates()).toEqual([]);
    expect(await db.query('SELECT id FROM admin_audit_log')).toEqual([]);
  });

  it.each(['abc', '', '0', '0.00', '-5', '15.123456789', '1,50', '15 USDT', '1e3', '1000000000000', 'GHS'])(
    'refuses %j with a reason and an example',
    async (text) => {
      const result = await service().setManualPrice(text, ADMIN);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toMatch(/e\.g\. 15\.20/);
      expect(await rates()).toEqual([]);
    },
  );
});

describe('staleness', () => {
  it('a price goes stale after 15 minutes of clock', async () => {
    const rateService = service();
    expect(await rateService.currentPrice()).toBeNull();
    await rateService.refresh();
    const fetchedAt = clock();
    advance(STALE_AFTER_MS);
    expect(await rateService.currentPrice()).toEqual({ priceGhs: '15.20000000', source: 'coinmarketcap', fetchedAt, stale: false });
    advance(1);
    expect((await rateService.currentPrice())?.stale).toBe(true);
  });

  it('alerts once per stale spell, and again after a fresh price goes stale', async () => {
    const rateService = service();
    expect(await rateService.staleAlertDue()).toEqual({ lastPriceAt: null });
    expect(await rateService.staleAlertDue()).toBeNull();

    await rateService.refresh();
    const fetchedAt = clock();
    expect(await rateService.staleAlertDue()).toBeNull();
    advance(STALE_AFTER_MS + 1);
    expect(await rateService.staleAlertDue()).toEqual({ lastPriceAt: fetchedAt });
    expect(await rateService.staleAlertDue()).toBeNull();

    fake.respondWith('error500');
    await rateService.refresh();
    advance(STALE_AFTER_MS);
    expect(await rateService.staleAlertDue()).toBeNull();

    await rateService.setManualPrice('15.3', ADMIN);
    advance(STALE_AFTER_MS + 1);
    expect(await rateService.staleAlertDue()).toEqual({ lastPriceAt: new Date(now.getTime() - STALE_AFTER_MS - 1) });
    expect(await rateService.staleAlertDue()).toBeNull();
  });

  it('two instances asking at once: exactly one alert', async () => {
    await service().refresh();
    advance(STALE_AFTER_MS + 1);
    const results = await Promise.all([service(), service(), service(), service()].map((instance) => instance.staleAlertDue()));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });
});

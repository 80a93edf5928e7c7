import { beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../src/services/common/references.ts';
import { marketNotices, placeOrder, setMarketSettings, trader as traderWith, useMarketHarness } from '../support/market.ts';
import { ADMIN, createMoneyUser, walletOf, type MoneyHarness } from '../support/money.ts';

const harness = useMarketHarness({ min: '1.00', max: '20000.00', feePercent: '2.00' });
let h: MoneyHarness;
const DAY = 24 * 60 * 60_000;
beforeAll(() => {
  h = harness();
});

const trader = (amounts: { cedis?: string; crypto?: string }) => traderWith(h, amounts);
const orderCount = async (userId: number) => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [userId]))[0]?.n ?? 0;

describe('cancelling', () => {
  it('releases exactly what a partly filled order still reserves, once', async () => {
    const buyer = await trader({ cedis: '200' });
    const seller = await trader({ crypto: '4' });
    const bid = await placeOrder(h, buyer, 'BUY', '10', '15.00');
    await placeOrder(h, seller, 'SELL', '4', '14.00'); // fills at the bid's 15.00
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '90.00', balance_crypto: '4.00000000' });

    const stranger = await trader({});
    expect(await h.services.market.cancel(stranger, bid.order.id)).toEqual({ status: 'not_found' });
    const cancelled = await h.services.market.cancel(buyer, bid.order.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', released: { cedis: '90.00', crypto: '0.00000000' }, order: { status: 'CANCELLED', filledAmount: '4.00000000' } });
    expect(await h.services.market.cancel(buyer, bid.order.id)).toMatchObject({ status: 'not_open', order: { status: 'CANCELLED' } });
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '140.00', escrow_balance: '0.00' });
    const released = await h.db.query("SELECT account, amount FROM ledger_entries WHERE reason = 'market_cancelled' AND reference_id = $1 ORDER BY account", [bid.order.id]);
    expect(released).toEqual([
      { account: 'cedis_available', amount: '90.00000000' },
      { account: 'cedis_reserved', amount: '-90.00000000' },
    ]);
    expect((await marketNotices(h.db, buyer)).at(-1)).toEqual({
      notification_type: 'MARKET_ORDER_CANCELLED',
      delivered: true,
      message: `Your buy order ${bid.order.reference} is cancelled: the GHS 90.00 it still reserved is back in your wallet.`,
    });
  });
});

describe('expiry', () => {
  it('cancels orders whose days are up, releases their reserve and notifies their owners', async () => {
    const seller = await trader({ crypto: '5' });
    const ask = await placeOrder(h, seller, 'SELL', '5', '16.00');
    await setMarketSettings(h.db, { days: 1 }); // a later change does not move an order's expiry
    const buyer = await trader({ cedis: '20' });
    const later = await placeOrder(h, buyer, 'BUY', '1', '10.00');

    h.advance(DAY - 60_000);
    expect(await h.services.market.expireDue(h.now())).toBe(0);
    h.advance(2 * 60_000);
    expect(await h.services.market.expireDue(h.now())).toBe(1);
    expect(await h.services.market.ownOrder(buyer, later.order.id)).toMatchObject({ status: 'CANCELLED', closeReason: 'expired' });
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '20.00', escrow_balance: '0.00' });
    expect((await h.services.market.ownOrder(seller, ask.order.id))?.status).toBe('PENDING');

    h.advance(6 * DAY);
    expect(await h.services.market.expireDue(h.now())).toBe(1);
    expect(await h.services.market.expireDue(h.now())).toBe(0);
    expect(await h.services.market.ownOrder(seller, ask.order.id)).toMatchObject({ status: 'CANCELLED', closeReason: 'expired' });
    expect(await walletOf(h.db, seller)).toMatchObject({ balance_crypto: '5.00000000', escrow_crypto: '0.00000000' });
    expect((await marketNotices(h.db, seller)).at(-1)).toEqual({
      notification_type: 'MARKET_ORDER_EXPIRED',
      delivered: false,
      message: `Your sell order ${ask.order.reference} has expired: the 5.00000000 USDT it still reserved is back in your wallet. Place a new one with /market.`,
    });
    await setMarketSettings(h.db, { days: 7 });
  });
});

describe('placing safely', () => {
  it('is idempotent on its reference: replays, even at once, return the one order placed', async () => {
    const buyer = await trader({ cedis: '100' });
    const reference = newReference('MKT');
    const request = { userId: buyer, side: 'BUY' as const, amount: '5', price: '12.00', reference };
    const results = await Promise.all(Array.from({ length: 6 }, () => h.services.market.place(request)));
    const placed = results.map((result) => (result.status === 'placed' ? result : null));
    expect(placed.filter((result) => result?.replayed === false)).toHaveLength(1);
    expect(placed.filter((result) => result?.replayed === true)).toHaveLength(5);
    expect(new Set(placed.map((result) => result?.order.id)).size).toBe(1);
    expect(await orderCount(buyer)).toBe(1);
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '40.00', escrow_balance: '60.00' });
    const other = await trader({ cedis: '100' });
    expect(await h.services.market.place({ ...request, userId: other })).toMatchObject({ status: 'invalid' });
  });

  it('moves money only for verified, active users, checked in the placing transaction', async () => {
    const pending = await createMoneyUser(h.db, { kyc: 'pending' });
    expect(await h.services.market.place({ userId: pending, side: 'BUY', amount: '1', price: '10.00', reference: newReference('MKT') })).toEqual({
      status: 'refused',
      refusal: { reason: 'kyc_required', kycStatus: 'pending' },
    });
    const deactivated = await trader({ cedis: '50' });
    await h.db.query('UPDATE users SET is_active = false WHERE id = $1', [deactivated]);
    expect(await h.services.market.place({ userId: deactivated, side: 'BUY', amount: '1', price: '10.00', reference: newReference('MKT') })).toEqual({
      status: 'refused',
      refusal: { reason: 'inactive' },
    });
    expect([await orderCount(pending), await orderCount(deactivated)]).toEqual([0, 0]);
  });

  it('refuses what the wallet cannot reserve and what the rules do not allow, writing nothing', async () => {
    const buyer = await trader({ cedis: '50', crypto: '1' });
    const place = (side: 'BUY' | 'SELL', amount: string, price: string) => h.services.market.place({ userId: buyer, side, amount, price, reference: newReference('MKT') });
    const refusal = async (side: 'BUY' | 'SELL', amount: string, price: string) => {
      const result = await place(side, amount, price);
      return result.status === 'invalid' ? result.reason : result.status;
    };
    expect(await place('BUY', '4', '12.51')).toEqual({ status: 'insufficient' }); // 50.04
    expect(await place('SELL', '1.00000001', '12.00')).toEqual({ status: 'insufficient' });
    expect(await refusal('BUY', '1', '15.205')).toBe('Please type the price in cedis per USDT with at most 2 decimals, e.g. 15.20.');
    expect(await refusal('BUY', '1', '0')).toBe('Please type the price in cedis per USDT with at most 2 decimals, e.g. 15.20.');
    expect(await refusal('BUY', '0.000000001', '15.00')).toBe('Please type how much USDT, e.g. 25 or 0.5 (at most 8 decimals).');
    expect(await refusal('BUY', '0.05', '15.00')).toBe('An order must be worth at least GHS 1.00; this one is worth GHS 0.75.');
    expect(await refusal('SELL', '1000', '25.00')).toBe('An order may be worth at most GHS 20,000.00; this one is worth GHS 25,000.00.');
    expect(await orderCount(buyer)).toBe(0);
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '0.00', balance_crypto: '1.00000000', escrow_crypto: '0.00000000' });
  });

  it("fails a resting order whose owner may no longer trade, gives its reserve back, and fills the next one", async () => {
    const gone = await trader({ crypto: '3' });
    const next = await trader({ crypto: '3' });
    const first = await placeOrder(h, gone, 'SELL', '3', '14.00');
    const second = await placeOrder(h, next, 'SELL', '3', '14.50');
    await h.db.query("UPDATE users SET kyc_status = 'rejected' WHERE id = $1", [gone]);
    const bid = await placeOrder(h, await trader({ cedis: '100' }), 'BUY', '2', '15.00');
    expect(bid.traded).toMatchObject({ amount: '2.00000000', averagePrice: '14.50' });
    expect(await h.services.market.ownOrder(gone, first.order.id)).toMatchObject({ status: 'FAILED', closeReason: 'not_allowed', reservedCrypto: '0.00000000' });
    expect(await walletOf(h.db, gone)).toMatchObject({ balance_crypto: '3.00000000', escrow_crypto: '0.00000000' });
    expect((await marketNotices(h.db, gone)).map((notice) => notice.notification_type)).toEqual(['MARKET_ORDER_FAILED']);
    expect((await h.services.market.ownOrder(next, second.order.id))?.filledAmount).toBe('2.00000000');
  });
});

describe('settings', () => {
  it('lets admins set the order value limits and the lifetime, each checked, the smallest never above the largest', async () => {
    const { settings } = h.services;
    expect(settings.fields().map((field) => field.key)).toEqual(expect.arrayContaining(['market_min_order_ghs', 'market_max_order_ghs', 'market_order_days']));
    const saved = await settings.update('market_order_days', '14 days', ADMIN);
    expect(saved.ok && saved.value.market_order_days).toBe(14);
    expect(await settings.update('market_order_days', '91', ADMIN)).toEqual({ ok: false, reason: 'Type a whole number of days from 1 to 90, e.g. 7' });
    expect(await settings.update('market_min_order_ghs', '30000', ADMIN)).toEqual({
      ok: false,
      reason: 'The smallest amount (GHS 30,000.00) cannot be above the largest (GHS 20,000.00).',
    });
    const min = await settings.update('market_min_order_ghs', '2.5', ADMIN);
    expect(min.ok && min.value.market_min_order_ghs).toBe('2.50');
    await setMarketSettings(h.db, { min: '1.00', days: 7 });
  });
});

describe('metrics and the market view', () => {
  it("keeps both users' trades, volume and profit on an average-cost basis", async () => {
    const ama = await trader({ cedis: '400' });
    const [first, second] = [await trader({ crypto: '10' }), await trader({ crypto: '10' })];
    await placeOrder(h, first, 'SELL', '10', '15.00');
    await placeOrder(h, ama, 'BUY', '10', '15.00'); // cost 150.00
    await placeOrder(h, second, 'SELL', '10', '17.00');
    await placeOrder(h, ama, 'BUY', '10', '17.00'); // cost 170.00: 20 held at 320.00
    const buyer = await trader({ cedis: '200' });
    await placeOrder(h, buyer, 'BUY', '5', '20.00');
    await placeOrder(h, ama, 'SELL', '5', '20.00'); // 100.00 less 2.00 fee; 5 of 20 cost 80.00: profit 18.00
    const [metrics] = await h.db.query('SELECT total_trades, total_volume, total_profit, market_position, market_cost_ghs, last_trade_at IS NOT NULL AS traded FROM user_metrics WHERE user_id = $1', [ama]);
    expect(metrics).toEqual({ total_trades: 3, total_volume: '420.00000000', total_profit: '18.00000000', market_position: '15.00000000', market_cost_ghs: '240.00000000', traded: true });
    const [seller] = await h.db.query('SELECT total_trades, total_volume, total_profit FROM user_metrics WHERE user_id = $1', [first]);
    // Their crypto came from a desk purchase at 15.51 (15.20 and the 2% spread): 155.10 for 10, sold for 147.00 after the fee.
    expect(seller).toEqual({ total_trades: 1, total_volume: '150.00000000', total_profit: '-8.10000000' });
  });

  it('shows the best levels of each side with their amounts, the last price, and the day', async () => {
    const [a, b] = [await trader({ crypto: '20' }), await trader({ cedis: '1000' })];
    await placeOrder(h, a, 'SELL', '2', '16.00');
    await placeOrder(h, b, 'BUY', '2', '16.00'); // yesterday's last trade at 16.00
    h.advance(DAY + 1000);
    for (const [amount, price] of [['1', '15.50'], ['2', '15.50'], ['1', '15.60'], ['1', '15.70'], ['1', '15.80'], ['1', '15.90'], ['1', '17.00']] as const) {
      await placeOrder(h, a, 'SELL', amount, price);
    }
    await placeOrder(h, b, 'BUY', '1.5', '15.50'); // fills 1.5 of 15.50 today
    await placeOrder(h, b, 'BUY', '4', '15.00');
    const overview = await h.services.market.overview();
    expect(overview.asks.map((level) => [level.price, level.amount])).toEqual([
      ['15.50000000', '1.50000000'],
      ['15.60000000', '1.00000000'],
      ['15.70000000', '1.00000000'],
      ['15.80000000', '1.00000000'],
      ['15.90000000', '1.00000000'],
    ]);
    expect(overview.bids.map((level) => [level.price, level.amount])).toEqual([['15.00000000', '4.00000000']]);
    expect(overview).toMatchObject({ lastPrice: '15.50000000', volume24h: '1.50000000', volume24hGhs: '23.25000000', trades24h: 2, change24hPercent: '-3.13' });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { marketNotices, placeOrder, trader as traderWith, useMarketHarness } from '../support/market.ts';
import { walletOf, type MoneyHarness } from '../support/money.ts';

const harness = useMarketHarness({ min: '0.01', max: '50000.00', feePercent: '2.00' });
let h: MoneyHarness;
beforeAll(() => {
  h = harness();
});

const trader = (amounts: { cedis?: string; crypto?: string }) => traderWith(h, amounts);
const notices = (userId: number) => marketNotices(h.db, userId);

describe('placing and matching', () => {
  it('rests an order that matches nothing, reserving amount × price rounded up', async () => {
    const buyer = await trader({ cedis: '100' });
    const placed = await placeOrder(h, buyer, 'BUY', '3.33333333', '15.01');
    expect(placed.order).toMatchObject({ status: 'PENDING', filledAmount: '0.00000000', reservedCedis: '50.04' }); // 50.0333333 up
    expect(placed.traded).toMatchObject({ amount: '0', averagePrice: null });
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '49.96', escrow_balance: '50.04' });
  });

  it('fills at the resting price, charges the seller the fee, refunds the buyer the price improvement and tells both', async () => {
    const seller = await trader({ crypto: '10' });
    const buyer = await trader({ cedis: '100' });
    const ask = await placeOrder(h, seller, 'SELL', '10', '15.00');
    expect(await walletOf(h.db, seller)).toMatchObject({ balance_crypto: '0.00000000', escrow_crypto: '10.00000000' });

    const bid = await placeOrder(h, buyer, 'BUY', '4', '15.50');
    expect(bid.order).toMatchObject({ status: 'COMPLETED', filledAmount: '4.00000000', reservedCedis: '0.00' });
    expect(bid.traded).toEqual({ amount: '4.00000000', averagePrice: '15.00', totalGhs: '60.00', feeGhs: '1.20', refundGhs: '2.00' });
    const [trade] = await h.db.query('SELECT order_id::int, resting_order_id::int, buyer_id::int, seller_id::int, amount, price, total, fee_ghs FROM trades WHERE order_id = $1', [bid.order.id]);
    expect(trade).toEqual({
      order_id: bid.order.id,
      resting_order_id: ask.order.id,
      buyer_id: buyer,
      seller_id: seller,
      amount: '4.00000000',
      price: '15.00000000',
      total: '60.00000000',
      fee_ghs: '1.20',
    });
    // Buyer: 62.00 reserved, 60.00 paid, 2.00 back; seller: 60.00 less the 2% fee.
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '40.00', escrow_balance: '0.00', balance_crypto: '4.00000000' });
    expect(await walletOf(h.db, seller)).toMatchObject({ balance_cedis: '58.80', escrow_crypto: '6.00000000', balance_crypto: '0.00000000' });
    const [sellOrder] = await h.db.query('SELECT status, filled_amount, reserved_crypto FROM orders WHERE id = $1', [ask.order.id]);
    expect(sellOrder).toEqual({ status: 'PROCESSING', filled_amount: '4.00000000', reserved_crypto: '6.00000000' });
    const [fee] = await h.db.query("SELECT amount, reference_kind FROM platform_ledger_entries WHERE reason = 'market_fee' ORDER BY id DESC LIMIT 1");
    expect(fee).toEqual({ amount: '1.20000000', reference_kind: 'trade' });
    const refund = await h.db.query(
      "SELECT l.account, l.amount FROM ledger_entries l WHERE l.reason = 'market_refund' AND l.reference_id = $1 ORDER BY l.account",
      [bid.order.id],
    );
    expect(refund).toEqual([
      { account: 'cedis_available', amount: '2.00000000' },
      { account: 'cedis_reserved', amount: '-2.00000000' },
    ]);

    expect(await notices(seller)).toEqual([
      {
        notification_type: 'MARKET_ORDER_PARTLY_FILLED',
        delivered: false,
        message: `Your sell order ${ask.order.reference} sold 4.00000000 USDT at GHS 15.00 for GHS 60.00; after the 2.00% fee of GHS 1.20, GHS 58.80 is in your wallet. 6.00000000 USDT is still on the book at GHS 15.00.`,
      },
    ]);
    expect(await notices(buyer)).toEqual([
      {
        notification_type: 'MARKET_ORDER_FILLED',
        delivered: true,
        message: `Your buy order ${bid.order.reference} bought 4.00000000 USDT at an average of GHS 15.00 for GHS 60.00. GHS 2.00 of what it reserved is back in your wallet. The order is complete.`,
      },
    ]);
  });

  it('takes the best price first and the oldest first at one price, across partial fills', async () => {
    const [a, b, c] = [await trader({ crypto: '5' }), await trader({ crypto: '5' }), await trader({ crypto: '5' })];
    const buyer = await trader({ cedis: '500' });
    const dearer = await placeOrder(h, a, 'SELL', '5', '15.10');
    const older = await placeOrder(h, b, 'SELL', '5', '15.00');
    h.advance(1000);
    const newer = await placeOrder(h, c, 'SELL', '5', '15.00');
    const bid = await placeOrder(h, buyer, 'BUY', '12', '15.10');
    const trades = await h.db.query('SELECT resting_order_id::int, amount, price, total FROM trades WHERE order_id = $1 ORDER BY id', [bid.order.id]);
    expect(trades).toEqual([
      { resting_order_id: older.order.id, amount: '5.00000000', price: '15.00000000', total: '75.00000000' },
      { resting_order_id: newer.order.id, amount: '5.00000000', price: '15.00000000', total: '75.00000000' },
      { resting_order_id: dearer.order.id, amount: '2.00000000', price: '15.10000000', total: '30.20000000' },
    ]);
    // 12 × 15.10 = 181.20 reserved, 180.20 paid; fees 1.50 + 1.50 + 0.61 (0.604 rounded up).
    expect(bid.traded).toEqual({ amount: '12.00000000', averagePrice: '15.02', totalGhs: '180.20', feeGhs: '3.61', refundGhs: '1.00' });
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '319.80', escrow_balance: '0.00', balance_crypto: '12.00000000' });
    const [rest] = await h.db.query('SELECT status, filled_amount FROM orders WHERE id = $1', [dearer.order.id]);
    expect(rest).toEqual({ status: 'PROCESSING', filled_amount: '2.00000000' });
  });

  it("never matches a user's own orders: the incoming order skips them and they stay on the book", async () => {
    const ama = await trader({ cedis: '500', crypto: '10' });
    const kofi = await trader({ crypto: '10' });
    const ownAsk = await placeOrder(h, ama, 'SELL', '5', '15.00');
    const ownBid = await placeOrder(h, ama, 'BUY', '5', '15.20');
    expect(ownBid.order.status).toBe('PENDING');
    expect(await h.db.query('SELECT id FROM trades WHERE $1 IN (order_id, resting_order_id)', [ownAsk.order.id])).toEqual([]);

    // Someone else's ask at 15.10 meets Ama's bid at its price, 15.20, not her own cheaper ask.
    const kofiAsk = await placeOrder(h, kofi, 'SELL', '2', '15.10');
    expect(kofiAsk.traded).toMatchObject({ amount: '2.00000000', averagePrice: '15.20' });
    const [trade] = await h.db.query('SELECT buyer_id::int, seller_id::int, resting_order_id::int FROM trades WHERE order_id = $1', [kofiAsk.order.id]);
    expect(trade).toEqual({ buyer_id: ama, seller_id: kofi, resting_order_id: ownBid.order.id });
    const [askAfter] = await h.db.query('SELECT status, filled_amount FROM orders WHERE id = $1', [ownAsk.order.id]);
    expect(askAfter).toEqual({ status: 'PENDING', filled_amount: '0.00000000' });
  });

  it('keeps each pesewa: a resting buyer gets back the part of its rounded-up reserve that rounding leaves over', async () => {
    const seller = await trader({ crypto: '1' });
    const buyer = await trader({ cedis: '50' });
    const bid = await placeOrder(h, buyer, 'BUY', '1.33333334', '15.01'); // 20.0133334334 → 20.02 reserved
    expect(bid.order.reservedCedis).toBe('20.02');
    const ask = await placeOrder(h, seller, 'SELL', '0.66666667', '15.01');
    // 0.66666667 × 15.01 = 10.0066667167: the trade is 10.00 (rounded down), the rest of the bid keeps 10.01
    // (rounded up), and the 0.01 between 20.02 and 10.00 + 10.01 goes back to the buyer.
    expect(ask.traded).toMatchObject({ totalGhs: '10.00', feeGhs: '0.20' });
    expect(await walletOf(h.db, buyer)).toMatchObject({ balance_cedis: '29.99', escrow_balance: '10.01', balance_crypto: '0.66666667' });
    expect(await walletOf(h.db, seller)).toMatchObject({ balance_cedis: '9.80', balance_crypto: '0.33333333', escrow_crypto: '0.00000000' });
    expect((await notices(buyer)).at(-1)?.message).toContain('GHS 0.01 of what it reserved is back in your wallet.');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../src/services/common/references.ts';
import type { PlaceResult } from '../../src/services/market/market.ts';
import { clearBook, placeOrder, trader as traderWith, useMarketHarness } from '../support/market.ts';
import { decimal, MarketModel, UNIT, unitsOf } from '../support/marketModel.ts';
import { setPrice, walletOf, type MoneyHarness } from '../support/money.ts';

const harness = useMarketHarness({ min: '0.01', max: '50000.00', feePercent: '2.00' });
let h: MoneyHarness;
beforeAll(() => {
  h = harness();
});

const trader = (amounts: { cedis?: string; crypto?: string }) => traderWith(h, amounts);
const units = (value: string) => unitsOf(value, 8);
const pesewas = (value: string) => unitsOf(value, 2);

describe('many users at once', () => {
  it('settles every fill once, in the order the pair lock admitted the orders, with every invariant kept', async () => {
    const users: number[] = [];
    for (let index = 0; index < 8; index += 1) users.push(await trader({ cedis: '300', crypto: '20' }));
    // Crossing orders of every user at prices around GHS 15.00, all sent at once over the pool's parallel connections.
    const requests = users.flatMap((userId, user) =>
      Array.from({ length: 6 }, (_, round) => ({
        userId,
        side: (user + round) % 2 === 0 ? ('BUY' as const) : ('SELL' as const),
        amount: decimal(BigInt(100_000_000 + ((user * 7 + round * 3) % 9) * 100_000_000 + ((user * 13 + round) % 100) * 1_000_000), 8),
        price: decimal(BigInt(1490 + ((user + round * 5) % 7) * 5), 2),
        reference: newReference('MKT'),
      })),
    );
    const results: PlaceResult[] = await Promise.all(requests.map((request) => h.services.market.place(request)));
    expect(results.every((result) => result.status === 'placed' || result.status === 'insufficient')).toBe(true);
    const placed = results.flatMap((result) => (result.status === 'placed' ? [result.order] : []));
    expect(placed.length).toBeGreaterThan(40);

    // Replayed one at a time in id order (the order they took the pair's lock), the model makes the same trades.
    const ordered = [...placed].sort((a, b) => a.id - b.id);
    const userOf = new Map(requests.map((request) => [request.reference, users.indexOf(request.userId)]));
    const model = new MarketModel(users.map(() => ({ cedis: 30_000n, cedisReserved: 0n, crypto: 20n * UNIT, cryptoReserved: 0n })), { minPesewas: 1n, maxPesewas: 5_000_000n });
    for (const order of ordered) expect(model.place(userOf.get(order.reference) ?? -1, order.side, units(order.amount), pesewas(order.price), 200n)).toBe('placed');
    const ids = ordered.map((order) => order.id);
    const trades = await h.db.query<{ order_id: number; resting_order_id: number; amount: string; total: string; fee_ghs: string }>(
      'SELECT order_id::int, resting_order_id::int, amount, total, fee_ghs FROM trades WHERE order_id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    expect(trades.length).toBeGreaterThan(10);
    expect(trades.map((trade) => ({ incoming: ids.indexOf(trade.order_id), resting: ids.indexOf(trade.resting_order_id), amount: units(trade.amount), total: pesewas(trade.total), fee: pesewas(trade.fee_ghs) }))).toEqual(
      model.trades.map(({ incoming, resting, amount, total, fee }) => ({ incoming, resting, amount, total, fee })),
    );

    // Each trade moved the crypto exactly once on each side, and paid one fee when it had one.
    const [movements] = await h.db.query<{ fills: number; fees: number }>(
      `SELECT (SELECT count(*)::int FROM ledger_entries WHERE reason = 'market_fill' AND account IN ('crypto_available', 'crypto_reserved')
                AND reference_kind = 'market_order' AND reference_id = ANY($1::bigint[])) AS fills,
              (SELECT count(*)::int FROM platform_ledger_entries p JOIN trades t ON t.id = p.reference_id AND p.reference_kind = 'trade'
                WHERE t.order_id = ANY($1::bigint[])) AS fees`,
      [ids],
    );
    expect(movements).toEqual({ fills: 2 * trades.length, fees: trades.filter((trade) => pesewas(trade.fee_ghs) > 0n).length });
  });
});

describe('a cancel racing a fill', () => {
  it('either cancels what is left or finds the order filled, never releasing twice or losing funds', async () => {
    for (let round = 0; round < 8; round += 1) {
      const seller = await trader({ crypto: '10' });
      const buyer = await trader({ cedis: '200' });
      const ask = await placeOrder(h, seller, 'SELL', '10', '15.00');
      const buyAmount = round % 2 === 0 ? '10' : '4';
      const [cancelled, bid, again] = await Promise.all([
        h.services.market.cancel(seller, ask.order.id),
        h.services.market.place({ userId: buyer, side: 'BUY', amount: buyAmount, price: '15.00', reference: newReference('MKT') }),
        h.services.market.cancel(seller, ask.order.id),
      ]);
      if (bid.status !== 'placed') throw new Error(`bid ${bid.status}`);
      const cancels = [cancelled, again];
      // At most one cancel releases anything; what it releases is exactly what the fill left.
      const released = cancels.filter((result) => result.status === 'cancelled');
      expect(released.length).toBeLessThanOrEqual(1);
      const traded = bid.traded.amount;
      const seen = released[0];
      if (seen?.status === 'cancelled') expect(units(seen.released.crypto) + units(traded)).toBe(10n * UNIT);
      else expect(traded).toBe('10.00000000');
      const wallet = await walletOf(h.db, seller);
      expect(units(wallet.balance_crypto) + units(wallet.escrow_crypto) + units(traded)).toBe(10n * UNIT);
      expect(wallet.escrow_crypto).toBe('0.00000000');
      // A bid left resting (the cancel came first) would fill the next round's ask: each round starts on an empty book.
      await clearBook(h);
    }
  });

  it('lets exactly one of a cancel and the expiry job close an order', async () => {
    for (let round = 0; round < 5; round += 1) {
      const owner = await trader({ cedis: '50' });
      const bid = await placeOrder(h, owner, 'BUY', '2', '10.00');
      h.advance(8 * 24 * 60 * 60_000);
      await setPrice(h.services, '15.20');
      const [cancel, expired] = await Promise.all([h.services.market.cancel(owner, bid.order.id), h.services.market.expireDue(h.now())]);
      expect((cancel.status === 'cancelled' ? 1 : 0) + expired).toBe(1);
      expect(await walletOf(h.db, owner)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '0.00' });
    }
  });
});

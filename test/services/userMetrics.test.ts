import { beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../src/services/common/references.ts';
import { placeOrder, trader, useMarketHarness } from '../support/market.ts';
import { ADMIN, fund, setPrice, type MoneyHarness } from '../support/money.ts';

// Every fee and spread at 0, so the figures are the prices themselves.
const harness = useMarketHarness({ min: '1.00', max: '20000.00', feePercent: '0.00' });
let h: MoneyHarness;
beforeAll(async () => {
  h = harness();
  await h.db.query('UPDATE settings SET spread_percent = 0');
});

const metricsOf = async (userId: number) =>
  (
    await h.db.query<Record<string, unknown>>(
      'SELECT total_trades, total_volume, total_profit, market_position, market_cost_ghs FROM user_metrics WHERE user_id = $1',
      [userId],
    )
  )[0];

/** A /sell of `amount` at the current price, approved by the admin. */
async function deskSell(userId: number, amount: string): Promise<void> {
  const quoted = await h.services.quotes.quote('sell', { currency: 'CRYPTO', amount });
  if (quoted.status !== 'ok') throw new Error(`quote ${quoted.status}`);
  const sell = await h.services.trading.createSell({ userId, quote: quoted.quote, reference: newReference('SELL') });
  if (sell.status !== 'created') throw new Error(`sell ${sell.status}`);
  const decision = await h.services.approvals.decide({ kind: 'sell', id: sell.id, action: 'approve', from: ADMIN });
  expect(decision.outcome).toBe('applied');
}

describe('the profit metric', () => {
  it('follows crypto in and out of the wallet at the market and at the desk, and the nightly reconciliation agrees from the ledger', async () => {
    const kofi = await trader(h, { cedis: '150' });
    await setPrice(h.services, '15.00');
    const marketSeller = await trader(h, { crypto: '10' });
    await placeOrder(h, marketSeller, 'SELL', '10', '15.00');
    await placeOrder(h, kofi, 'BUY', '10', '15.00'); // 10 bought on the market for 150.00
    await deskSell(kofi, '10'); // sold at the desk for 150.00: no profit, nothing left
    expect(await metricsOf(kofi)).toMatchObject({ total_profit: '0.00000000', market_position: '0.00000000', market_cost_ghs: '0.00000000' });

    await setPrice(h.services, '17.00');
    await fund(h.services, kofi, { crypto: '10' }); // 10 bought with /buy for 170.00
    expect(await metricsOf(kofi)).toMatchObject({ market_position: '10.00000000', market_cost_ghs: '170.00000000' });
    const marketBuyer = await trader(h, { cedis: '160' });
    await placeOrder(h, kofi, 'SELL', '10', '16.00');
    await placeOrder(h, marketBuyer, 'BUY', '10', '16.00'); // sold on the market for 160.00

    const expected = {
      total_trades: 2,
      total_volume: '310.00000000',
      total_profit: '-10.00000000',
      market_position: '0.00000000',
      market_cost_ghs: '0.00000000',
    };
    expect(await metricsOf(kofi)).toEqual(expected);

    // The reconciliation finds the same figure on its own: nothing to correct, and a lost update is put right.
    const clean = await h.services.analytics.metrics.reconcile();
    expect(clean.corrected.filter((drift) => drift.userId === kofi)).toEqual([]);
    await h.db.query('UPDATE user_metrics SET total_profit = 10, market_position = 10, market_cost_ghs = 150 WHERE user_id = $1', [kofi]);
    const repaired = await h.services.analytics.metrics.reconcile();
    expect(repaired.corrected.find((drift) => drift.userId === kofi)?.changes).toEqual([
      { field: 'total_profit', stored: '10.00000000', recomputed: '-10.00000000' },
      { field: 'market_position', stored: '10.00000000', recomputed: '0.00000000' },
      { field: 'market_cost_ghs', stored: '150.00000000', recomputed: '0.00000000' },
    ]);
    expect(await metricsOf(kofi)).toEqual(expected);
  });
});

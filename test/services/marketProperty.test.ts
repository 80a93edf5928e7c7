import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketViolations, setMarketSettings } from '../support/market.ts';
import { decimal, MarketModel, unitsOf, type ModelTrade, type Side } from '../support/marketModel.ts';
import { newReference } from '../../src/services/common/references.ts';
import { createMoneyHarness, createMoneyUser, fund, invariantViolations, setAmountLimits, setPrice, walletOf, type MoneyHarness } from '../support/money.ts';

/*
 * Random order sequences from several users, run through the real service on PostgreSQL and through the
 * in-memory model (test/support/marketModel.ts): after every step the trades and every balance are the same,
 * and the SQL invariants hold: the book is not crossed between users, cedis and crypto are conserved with the
 * platform's fees, no balance is negative, and escrow equals what open orders (and requests) reserve.
 * A failure prints fast-check's seed and the shrunk sequence; FC_SEED=<seed> replays it.
 */

const NUM_RUNS = 8;
const MAX_STEPS = 12;
const USERS = 3;
const LIMITS = { minPesewas: 1n, maxPesewas: 5_000_000n }; // GHS 0.01 … 50,000.00

type Op = { op: 'place'; user: number; side: Side; units: number; pesewas: number } | { op: 'cancel'; pick: number };

interface Scenario {
  feeBasisPoints: number;
  /** Per user: pesewas and 1e-8 units of funding. */
  funding: [pesewas: number, units: number][];
  ops: Op[];
}

// Prices close together so orders cross often; amounts from dust to whole coins, with the rounding traps.
const units = fc.oneof(
  fc.constantFrom(1, 33_333_333, 66_666_667, 100_000_000, 133_333_334),
  fc.integer({ min: 1, max: 99_999_999 }),
  fc.integer({ min: 100_000_000, max: 3_000_000_000 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('place' as const), user: fc.nat(USERS - 1), side: fc.constantFrom<Side>('BUY', 'SELL'), units, pesewas: fc.integer({ min: 1490, max: 1510 }) }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat(1000) }), weight: 1 },
);
const scenario: fc.Arbitrary<Scenario> = fc.record({
  feeBasisPoints: fc.oneof(fc.constantFrom(0, 200, 250), fc.integer({ min: 0, max: 500 })),
  funding: fc.array(fc.tuple(fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 0, max: 3_000_000_000 })), { minLength: USERS, maxLength: USERS }),
  ops: fc.array(op, { minLength: 1, maxLength: MAX_STEPS }),
});

let h: MoneyHarness;
let userIds: number[];

beforeAll(async () => {
  h = await createMoneyHarness();
  userIds = [];
  for (let user = 0; user < USERS; user += 1) userIds.push(await createMoneyUser(h.db));
  await setAmountLimits(h.db, '0.01', '50000.00');
});
afterAll(async () => {
  await h.close();
});

async function reset(run: Scenario): Promise<MarketModel> {
  await h.db.query('TRUNCATE orders, trades, platform_ledger_entries, ledger_entries, paystack_charges, paystack_transfers, crypto_transactions, cash_deposits, cash_withdrawals, notifications, admin_audit_log, rates');
  await h.db.query('UPDATE wallets SET balance_cedis = 0, escrow_balance = 0, balance_crypto = 0, escrow_crypto = 0');
  await setMarketSettings(h.db, { min: decimal(LIMITS.minPesewas, 2), max: decimal(LIMITS.maxPesewas, 2), feePercent: decimal(BigInt(run.feeBasisPoints), 2) });
  await setPrice(h.services, '15.20');
  const wallets = [];
  for (const [index, [pesewas, coins]] of run.funding.entries()) {
    await fund(h.services, userIds[index] ?? 0, {
      ...(pesewas > 0 ? { cedis: decimal(BigInt(pesewas), 2) } : {}),
      ...(coins > 0 ? { crypto: decimal(BigInt(coins), 8) } : {}),
    });
    wallets.push({ cedis: BigInt(pesewas), cedisReserved: 0n, crypto: BigInt(coins), cryptoReserved: 0n });
  }
  return new MarketModel(wallets, LIMITS);
}

/** The database's trades in the model's terms: orders by placement index, users by number. */
async function tradesAsModel(orderIds: readonly number[]): Promise<ModelTrade[]> {
  const rows = await h.db.query<{ order_id: number; resting_order_id: number; buyer_id: number; seller_id: number; amount: string; price: string; total: string; fee_ghs: string }>(
    'SELECT order_id::int, resting_order_id::int, buyer_id::int, seller_id::int, amount, price, total, fee_ghs FROM trades ORDER BY id',
  );
  return rows.map((row) => ({
    incoming: orderIds.indexOf(row.order_id),
    resting: orderIds.indexOf(row.resting_order_id),
    buyer: userIds.indexOf(row.buyer_id),
    seller: userIds.indexOf(row.seller_id),
    amount: unitsOf(row.amount, 8),
    price: unitsOf(row.price, 2),
    total: unitsOf(row.total, 2),
    fee: unitsOf(row.fee_ghs, 2),
  }));
}

async function expectSameAsModel(model: MarketModel, orderIds: readonly number[]): Promise<void> {
  expect(await tradesAsModel(orderIds)).toEqual(model.trades);
  for (const [index, wallet] of model.wallets.entries()) {
    expect(await walletOf(h.db, userIds[index] ?? 0)).toEqual({
      balance_cedis: decimal(wallet.cedis, 2),
      escrow_balance: decimal(wallet.cedisReserved, 2),
      balance_crypto: decimal(wallet.crypto, 8),
      escrow_crypto: decimal(wallet.cryptoReserved, 8),
    });
  }
  const [fees] = await h.db.query<{ fees: string }>("SELECT coalesce(sum(amount), 0)::numeric(20, 2)::text AS fees FROM platform_ledger_entries WHERE account = 'fees_cedis'");
  expect(fees?.fees).toBe(decimal(model.platformFees, 2));
  expect(await invariantViolations(h.db)).toEqual([]);
  expect(await marketViolations(h.db)).toEqual([]);
}

async function runScenario(run: Scenario): Promise<void> {
  const model = await reset(run);
  const orderIds: number[] = [];
  for (const step of run.ops) {
    if (step.op === 'place') {
      const [amount, price] = [BigInt(step.units), BigInt(step.pesewas)];
      const result = await h.services.market.place({
        userId: userIds[step.user] ?? 0,
        side: step.side,
        amount: decimal(amount, 8),
        price: decimal(price, 2),
        reference: newReference('MKT'),
      });
      expect(result.status).toBe(model.place(step.user, step.side, amount, price, BigInt(run.feeBasisPoints)));
      if (result.status === 'placed') orderIds.push(result.order.id);
    } else if (orderIds.length > 0) {
      const index = step.pick % orderIds.length;
      const owner = userIds[model.orders[index]?.user ?? -1] ?? 0;
      const result = await h.services.market.cancel(owner, orderIds[index] ?? 0);
      expect(result.status).toBe(model.cancel(index));
    }
    await expectSameAsModel(model, orderIds);
  }
}

describe('the market against its model', () => {
  it('gives the same trades and balances, and keeps every invariant after every step', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (run) => runScenario(run)),
      { numRuns: NUM_RUNS, seed: process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED) },
    );
  });

  it('the model itself keeps its money: each reserve covers its order, and the sum of cedis and crypto never changes', () => {
    fc.assert(
      fc.property(scenario, (run) => {
        const model = new MarketModel(run.funding.map(([pesewas, coins]) => ({ cedis: BigInt(pesewas), cedisReserved: 0n, crypto: BigInt(coins), cryptoReserved: 0n })), LIMITS);
        const cedis = run.funding.reduce((sum, [pesewas]) => sum + BigInt(pesewas), 0n);
        const crypto = run.funding.reduce((sum, [, coins]) => sum + BigInt(coins), 0n);
        for (const step of run.ops) {
          if (step.op === 'place') model.place(step.user, step.side, BigInt(step.units), BigInt(step.pesewas), BigInt(run.feeBasisPoints));
          else if (model.orders.length > 0) model.cancel(step.pick % model.orders.length);
          const total = (pick: (wallet: MarketModel['wallets'][number]) => bigint) => model.wallets.reduce((sum, wallet) => sum + pick(wallet), 0n);
          expect(total((wallet) => wallet.cedis + wallet.cedisReserved) + model.platformFees).toBe(cedis);
          expect(total((wallet) => wallet.crypto + wallet.cryptoReserved)).toBe(crypto);
          expect(total((wallet) => wallet.cedisReserved)).toBe(model.orders.filter((order) => order.side === 'BUY').reduce((sum, order) => sum + MarketModel.reserveOf(order), 0n));
          expect(model.wallets.every((wallet) => wallet.cedis >= 0n && wallet.crypto >= 0n && wallet.cedisReserved >= 0n && wallet.cryptoReserved >= 0n)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

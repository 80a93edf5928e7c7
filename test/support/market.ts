import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { OrderSide } from '../../src/db/orders.ts';
import { newReference } from '../../src/services/common/references.ts';
import type { PlaceResult } from '../../src/services/market/market.ts';
import type { TestDatabase } from './database.ts';
import { createMoneyHarness, createMoneyUser, fund, invariantViolations, setAmountLimits, setPrice, type MoneyHarness } from './money.ts';

export type Placed = PlaceResult & { status: 'placed' };

/** A verified user with these funds in their wallet, got the way users get them (an approved deposit and buy). */
export async function trader(h: MoneyHarness, amounts: { cedis?: string; crypto?: string }): Promise<number> {
  const userId = await createMoneyUser(h.db);
  await fund(h.services, userId, amounts);
  return userId;
}

/** The market notifications a user got, oldest first. */
export function marketNotices(db: TestDatabase, userId: number): Promise<{ notification_type: string; message: string; delivered: boolean }[]> {
  return db.query(
    "SELECT notification_type, message, sent_at IS NOT NULL AS delivered FROM notifications WHERE user_id = $1 AND notification_type LIKE 'MARKET_%' ORDER BY id",
    [userId],
  );
}

/** Cancels every open order through its owner, so the next test starts with an empty book. */
export async function clearBook(h: MoneyHarness): Promise<void> {
  const open = await h.db.query<{ id: number; user_id: number }>("SELECT id::int, user_id::int FROM orders WHERE status IN ('PENDING', 'PROCESSING')");
  for (const order of open) {
    const result = await h.services.market.cancel(order.user_id, order.id);
    if (result.status !== 'cancelled') throw new Error(`clearBook: order ${order.id} ${result.status}`);
  }
}

/** Places an order through the service with a fresh reference; fails the test unless it was placed. */
export async function placeOrder(h: MoneyHarness, userId: number, side: OrderSide, amount: string, price: string): Promise<Placed> {
  const result = await h.services.market.place({ userId, side, amount, price, reference: newReference('MKT') });
  if (result.status !== 'placed') throw new Error(`place ${side} ${amount} @ ${price}: ${JSON.stringify(result)}`);
  return result;
}

/** Sets the market's settings: order value limits, lifetime and the seller fee. */
export async function setMarketSettings(db: TestDatabase, settings: { min?: string; max?: string; days?: number; feePercent?: string }): Promise<void> {
  await db.query(
    `UPDATE settings SET market_min_order_ghs = coalesce($1, market_min_order_ghs), market_max_order_ghs = coalesce($2, market_max_order_ghs),
            market_order_days = coalesce($3, market_order_days), escrow_percent = coalesce($4, escrow_percent)`,
    [settings.min ?? null, settings.max ?? null, settings.days ?? null, settings.feePercent ?? null],
  );
}

/**
 * The market's own invariants, in SQL numeric: the book is not crossed between different users (a user's own
 * bid may sit above their own ask, since they never match each other); every order's fill is the sum of its
 * trades; every trade's total and fee follow the rounding rules at its resting order's price, between the
 * owners of its two orders, one buying and one selling. One line per violation.
 */
export async function marketViolations(db: TestDatabase): Promise<string[]> {
  const checks: [string, string][] = [
    [
      'crossed book',
      `SELECT b.id AS bid, b.price AS bid_price, a.id AS ask, a.price AS ask_price
         FROM orders b JOIN orders a ON a.currency_pair = b.currency_pair AND a.order_type = 'SELL' AND a.user_id <> b.user_id
        WHERE b.order_type = 'BUY' AND b.status IN ('PENDING', 'PROCESSING') AND a.status IN ('PENDING', 'PROCESSING') AND b.price >= a.price`,
    ],
    [
      'order fill differs from its trades',
      `SELECT o.id, o.filled_amount, coalesce(sum(t.amount), 0) AS traded
         FROM orders o LEFT JOIN trades t ON o.id IN (t.order_id, t.resting_order_id)
        GROUP BY o.id HAVING o.filled_amount <> coalesce(sum(t.amount), 0)`,
    ],
    [
      'trade breaks the price, rounding or party rules',
      `SELECT t.id, t.amount, t.price, t.total, t.fee_ghs
         FROM trades t JOIN orders i ON i.id = t.order_id JOIN orders r ON r.id = t.resting_order_id
         JOIN orders s ON s.id IN (i.id, r.id) AND s.order_type = 'SELL'
         JOIN orders b ON b.id IN (i.id, r.id) AND b.order_type = 'BUY'
        WHERE t.price <> r.price OR i.order_type = r.order_type OR i.created_at < r.created_at OR i.id < r.id
           OR t.total <> floor(t.amount * t.price * 100) / 100
           OR t.fee_ghs <> ceil(t.total * s.fee_percent) / 100
           OR t.buyer_id <> b.user_id OR t.seller_id <> s.user_id
           OR b.price < t.price OR s.price > t.price`,
    ],
  ];
  const problems: string[] = [];
  for (const [label, query] of checks) {
    for (const row of await db.query(query)) problems.push(`${label}: ${JSON.stringify(row)}`);
  }
  return problems;
}

/**
 * The market test files' harness: real services on a fresh database, a fresh desk price before each test (so
 * funding works after a test moved the clock by days), and after each one every money and market invariant
 * checked and the book emptied. Call at the top of the file; the harness exists from its first beforeAll on.
 */
export function useMarketHarness(settings: { min: string; max: string; feePercent: string }): () => MoneyHarness {
  let h: MoneyHarness | undefined;
  const harness = () => {
    if (!h) throw new Error('the market harness is not started yet');
    return h;
  };
  beforeAll(async () => {
    h = await createMoneyHarness();
    await setAmountLimits(h.db, '0.01', '50000.00');
    await setMarketSettings(h.db, { ...settings, days: 7 });
  });
  beforeEach(async () => {
    await setPrice(harness().services, '15.20');
  });
  afterEach(async () => {
    expect(await invariantViolations(harness().db)).toEqual([]);
    expect(await marketViolations(harness().db)).toEqual([]);
    await clearBook(harness());
  });
  afterAll(async () => {
    await h?.close();
  });
  return harness;
}

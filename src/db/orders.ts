import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf, countRow, idRow } from './commonRows.ts';

export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];
export const ORDER_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** PENDING (nothing filled yet) and PROCESSING (partly filled) orders are on the book. */
export const OPEN_STATUSES = ['PENDING', 'PROCESSING'] as const;
export type CloseReason = 'cancelled' | 'expired' | 'not_allowed';

export const orderRowSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  order_type: z.enum(ORDER_SIDES),
  currency_pair: z.string(),
  amount: z.string(),
  price: z.string(),
  total: z.string(),
  status: z.enum(ORDER_STATUSES),
  reference: z.string(),
  filled_amount: z.string(),
  reserved_cedis: z.string(),
  reserved_crypto: z.string(),
  fee_percent: z.string(),
  expires_at: z.date(),
  close_reason: z.enum(['cancelled', 'expired', 'not_allowed']).nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  completed_at: z.date().nullable(),
});
const orderColumns = columnsOf(orderRowSchema);
const openOrderColumns = columnsOf(orderRowSchema, 'o');
const closedOrderColumns = columnsOf(orderRowSchema, 'before');
export type OrderRow = z.infer<typeof orderRowSchema>;

const openStatuses = sql.join(
  OPEN_STATUSES.map((status) => sql.fragment`${status}`),
  sql.fragment`, `,
);

/**
 * Serialises every change of one pair's book (placing and matching, cancelling, expiring) until the
 * transaction ends: a transaction-scoped advisory lock on (20, hashtext(pair)).
 */
export async function lockMarketPair(db: CommonQueryMethods, pair: string): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(20, hashtext(${pair}))`);
}

export interface NewOrder {
  userId: number;
  side: OrderSide;
  pair: string;
  amount: string;
  price: string;
  total: string;
  reference: string;
  reservedCedis: string;
  reservedCrypto: string;
  feePercent: string;
  expiresAt: Date;
  createdAt: Date;
}

export async function insertOrder(db: CommonQueryMethods, order: NewOrder): Promise<OrderRow> {
  return db.one(sql.type(orderRowSchema)`
    INSERT INTO orders (
      user_id, order_type, currency_pair, amount, price, total, status, reference, reserved_cedis, reserved_crypto,
      fee_percent, expires_at, created_at, updated_at
    ) VALUES (
      ${order.userId}, ${order.side}, ${order.pair}, ${order.amount}, ${order.price}, ${order.total}, 'PENDING', ${order.reference},
      ${order.reservedCedis}, ${order.reservedCrypto}, ${order.feePercent}, ${order.expiresAt.toISOString()},
      ${order.createdAt.toISOString()}, ${order.createdAt.toISOString()}
    )
    RETURNING ${orderColumns}
  `);
}

export async function findOrderByReference(db: CommonQueryMethods, reference: string): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRowSchema)`SELECT ${orderColumns} FROM orders WHERE reference = ${reference}`);
}

export async function findOrder(db: CommonQueryMethods, id: number): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRowSchema)`SELECT ${orderColumns} FROM orders WHERE id = ${id}`);
}

/** The order with its row locked until the transaction ends (the latest committed version, after any wait). */
export async function lockOrder(db: CommonQueryMethods, id: number): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRowSchema)`SELECT ${orderColumns} FROM orders WHERE id = ${id} FOR UPDATE`);
}

const restingOrderSchema = orderRowSchema.extend({ owner_allowed: z.boolean() });
export type RestingOrderRow = z.infer<typeof restingOrderSchema>;

/**
 * The open orders an incoming order may match, best first (lowest ask or highest bid, then oldest), locked:
 * of the other side, at a price that crosses `limitPrice`, never the incoming user's own. `owner_allowed` says
 * whether the owner may still move money (active and KYC-approved).
 */
export async function lockCrossingOrders(
  db: CommonQueryMethods,
  incoming: { pair: string; side: OrderSide; limitPrice: string; userId: number },
  limit: number,
): Promise<readonly RestingOrderRow[]> {
  const buying = incoming.side === 'BUY';
  return db.any(sql.type(restingOrderSchema)`
    SELECT ${openOrderColumns}, (u.is_active AND u.kyc_status = 'approved') AS owner_allowed
      FROM orders o JOIN users u ON u.id = o.user_id
     WHERE o.currency_pair = ${incoming.pair} AND ${buying ? sql.fragment`o.order_type = 'SELL'` : sql.fragment`o.order_type = 'BUY'`}
       AND o.status IN (${openStatuses}) AND o.user_id <> ${incoming.userId}
       AND ${buying ? sql.fragment`o.price <= ${incoming.limitPrice}` : sql.fragment`o.price >= ${incoming.limitPrice}`}
     ORDER BY ${buying ? sql.fragment`o.price ASC` : sql.fragment`o.price DESC`}, o.created_at, o.id
     LIMIT ${limit}
     FOR UPDATE OF o
  `);
}

export interface FillUpdate {
  filledAmount: string;
  reservedCedis: string;
  reservedCrypto: string;
  status: 'PROCESSING' | 'COMPLETED';
  at: Date;
}

/** Records a fill on an open order whose fill is still `expectedFilled`; null when it changed meanwhile. */
export async function updateOrderFill(db: CommonQueryMethods, id: number, expectedFilled: string, fill: FillUpdate): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRowSchema)`
    UPDATE orders
       SET filled_amount = ${fill.filledAmount}, reserved_cedis = ${fill.reservedCedis}, reserved_crypto = ${fill.reservedCrypto},
           status = ${fill.status}, updated_at = ${fill.at.toISOString()},
           completed_at = ${fill.status === 'COMPLETED' ? fill.at.toISOString() : null}
     WHERE id = ${id} AND status IN (${openStatuses}) AND filled_amount = ${expectedFilled}
    RETURNING ${orderColumns}
  `);
}

/**
 * Closes an open order (CANCELLED or FAILED), reserving nothing any more; null when it is no longer open
 * (filled, cancelled or expired first). Returns the row as it was before, so the caller releases what it held.
 */
export async function closeOpenOrder(
  db: CommonQueryMethods,
  id: number,
  close: { status: 'CANCELLED' | 'FAILED'; reason: CloseReason; at: Date },
): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRowSchema)`
    WITH before AS (SELECT ${orderColumns} FROM orders WHERE id = ${id} AND status IN (${openStatuses}) FOR UPDATE)
    UPDATE orders o
       SET status = ${close.status}, close_reason = ${close.reason}, reserved_cedis = 0, reserved_crypto = 0,
           updated_at = ${close.at.toISOString()}
      FROM before
     WHERE o.id = before.id
    RETURNING ${closedOrderColumns}
  `);
}

/** Open orders whose time is up, oldest expiry first. */
export async function listExpiredOrderIds(db: CommonQueryMethods, now: Date, limit: number): Promise<readonly number[]> {
  return db.anyFirst(sql.type(idRow)`
    SELECT id FROM orders WHERE status IN (${openStatuses}) AND expires_at <= ${now.toISOString()} ORDER BY expires_at, id LIMIT ${limit}
  `);
}

const levelSchema = z.object({ price: z.string(), amount: z.string(), orders: z.number() });
export type BookLevel = z.infer<typeof levelSchema>;

/** The best price levels of one side of the book, with the unfilled amount at each. */
export async function bookLevels(db: CommonQueryMethods, pair: string, side: OrderSide, limit: number): Promise<readonly BookLevel[]> {
  return db.any(sql.type(levelSchema)`
    SELECT price, sum(amount - filled_amount) AS amount, count(*)::int AS orders
      FROM orders WHERE currency_pair = ${pair} AND ${side === 'BUY' ? sql.fragment`order_type = 'BUY'` : sql.fragment`order_type = 'SELL'`} AND status IN (${openStatuses})
     GROUP BY price
     ORDER BY ${side === 'BUY' ? sql.fragment`price DESC` : sql.fragment`price ASC`}
     LIMIT ${limit}
  `);
}

export async function countUserOrders(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM orders WHERE user_id = ${userId}`);
}

/** A page of a user's orders: the open ones first, then the rest; newest first within each. */
export async function userOrdersPage(db: CommonQueryMethods, userId: number, page: { limit: number; offset: number }): Promise<readonly OrderRow[]> {
  return db.any(sql.type(orderRowSchema)`
    SELECT ${orderColumns} FROM orders WHERE user_id = ${userId}
     ORDER BY status IN (${openStatuses}) DESC, created_at DESC, id DESC
     LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

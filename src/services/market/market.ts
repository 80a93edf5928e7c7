import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { findOrder, findOrderByReference, insertOrder, listExpiredOrderIds, lockMarketPair, type OrderRow, type OrderSide } from '../../db/orders.ts';
import { readSettings } from '../../db/settings.ts';
import type { MoneyAccess, MoneyRefusal } from '../accounts/moneyAccess.ts';
import { Rollback, withRollback } from '../common/rollback.ts';
import { notifyUser } from '../notifications/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import { moveFunds } from '../wallet/ledger.ts';
import { matchIncoming } from './matching.ts';
import { marketNotices, type TradedSummary } from './notices.ts';
import { addDays, buyReservation, checkOrder, marketPair, reservationOf } from './rules.ts';
import { closeOrder, ORDER_KIND, reserveChanges } from './settlement.ts';
import { createMarketViews, limitsOf, type MarketViews } from './marketViews.ts';
import { orderView, tradedSummary, type OrderView } from './orderView.ts';

export type { OrderView };

export interface PlaceRequest {
  userId: number;
  side: OrderSide;
  /** Of the asset, up to 8 decimals. */
  amount: string;
  /** GHS per unit, up to 2 decimals. */
  price: string;
  /** Made when the summary was shown: placing the same reference again returns the order it placed. */
  reference: string;
}

export type PlaceResult =
  | { status: 'placed'; order: OrderView; traded: TradedSummary; replayed: boolean }
  | { status: 'refused'; refusal: MoneyRefusal }
  | { status: 'insufficient' }
  | { status: 'invalid'; reason: string };

export type CancelResult =
  | { status: 'cancelled'; order: OrderView; released: { cedis: string; crypto: string } }
  | { status: 'not_open'; order: OrderView }
  | { status: 'not_found' };

export interface MarketService extends MarketViews {
  /** Reserves the funds and matches the order at once, in one transaction; it rests with whatever is unfilled. */
  place(request: PlaceRequest): Promise<PlaceResult>;
  /** The owner cancels an open order: exactly what it still reserves is released. */
  cancel(userId: number, orderId: number): Promise<CancelResult>;
  /** Cancels every open order whose expiry is at or before `now`, releases its reserve and notifies its owner; how many. */
  expireDue(now: Date): Promise<number>;
}

const EXPIRY_BATCH = 100;

export function createMarketService(deps: { pool: DatabasePool; access: MoneyAccess; clock: Clock; asset: string }): MarketService {
  const { pool, access, clock, asset } = deps;
  const pair = marketPair(asset);

  async function placed(tx: CommonQueryMethods, order: OrderRow, replayed: boolean): Promise<PlaceResult & { status: 'placed' }> {
    return { status: 'placed', order: orderView(order), traded: await tradedSummary(tx, order), replayed };
  }

  return {
    ...createMarketViews({ pool, clock, asset, pair }),

    place(request) {
      return withRollback<PlaceResult, PlaceResult>(() =>
        pool.transaction(async (tx) => {
          await lockMarketPair(tx, pair);
          const existing = await findOrderByReference(tx, request.reference);
          if (existing) {
            if (existing.user_id !== request.userId) return { status: 'invalid', reason: 'That order reference belongs to another order.' };
            return placed(tx, existing, true);
          }
          const refusal = await access.refusal(request.userId, tx);
          if (refusal) return { status: 'refused', refusal };
          const settings = await readSettings(tx);
          const checked = checkOrder(request, asset, limitsOf(settings));
          if (!checked.ok) return { status: 'invalid', reason: checked.reason };
          const { amount: quantity, price } = checked.value;

          const now = clock();
          const reserve = reservationOf(request.side, quantity, price);
          const order = await insertOrder(tx, {
            userId: request.userId,
            side: request.side,
            pair,
            amount: quantity,
            price,
            total: buyReservation(quantity, price),
            reference: request.reference,
            reservedCedis: reserve.cedis,
            reservedCrypto: reserve.crypto,
            feePercent: settings.escrow_percent,
            expiresAt: addDays(now, limitsOf(settings).orderDays),
            createdAt: now,
          });
          const moved = await moveFunds(tx, {
            userId: request.userId,
            changes: reserveChanges(request.side, request.side === 'BUY' ? reserve.cedis : reserve.crypto, 'reserve'),
            reason: 'market_reserved',
            reference: { kind: ORDER_KIND, id: order.id },
          });
          if (!moved) throw new Rollback<PlaceResult>({ status: 'insufficient' });

          const matched = await matchIncoming(tx, order, now, asset);
          const result = await placed(tx, matched.order, false);
          const { averagePrice } = result.traded;
          if (matched.fills.length > 0 && averagePrice) {
            // They read the outcome in the chat as they place it; the notice is kept for their history.
            await notifyUser(tx, request.userId, marketNotices.placedFilled(matched.order, { ...result.traded, averagePrice }, asset), { delivered: true });
          }
          return result;
        }),
      );
    },

    cancel(userId, orderId) {
      return pool.transaction(async (tx): Promise<CancelResult> => {
        const order = await findOrder(tx, orderId);
        if (!order || order.user_id !== userId) return { status: 'not_found' };
        await lockMarketPair(tx, order.currency_pair);
        const closed = await closeOrder(tx, orderId, { status: 'CANCELLED', reason: 'cancelled', at: clock() });
        const after = await findOrder(tx, orderId);
        if (!after) return { status: 'not_found' };
        if (!closed) return { status: 'not_open', order: orderView(after) };
        await notifyUser(tx, userId, marketNotices.closed(closed.order, 'cancelled', asset), { delivered: true });
        return { status: 'cancelled', order: orderView(after), released: closed.released };
      });
    },

    async expireDue(now) {
      let expired = 0;
      for (;;) {
        const due = await listExpiredOrderIds(pool, now, EXPIRY_BATCH);
        for (const id of due) {
          // One transaction per order, under the pair's lock like any change of the book.
          const closedOne = await pool.transaction(async (tx) => {
            const order = await findOrder(tx, id);
            if (!order) return false;
            await lockMarketPair(tx, order.currency_pair);
            const closed = await closeOrder(tx, id, { status: 'CANCELLED', reason: 'expired', at: now });
            if (closed) await notifyUser(tx, closed.order.user_id, marketNotices.closed(closed.order, 'expired', asset));
            return closed !== null;
          });
          if (closedOne) expired += 1;
        }
        if (due.length < EXPIRY_BATCH) return expired;
      }
    },
  };
}

import type { CommonQueryMethods } from 'slonik';
import { lockCrossingOrders, type OrderRow } from '../../db/orders.ts';
import { notifyUser } from '../notifications/outbox.ts';
import { marketNotices } from './notices.ts';
import { closeOrder, settleFill, type Fill } from './settlement.ts';

/**
 * Resting orders locked per round trip: a few at first (most incoming orders fill against the best one or two,
 * and every row locked is a write), more once an order proves larger.
 */
const FIRST_BATCH = 4;
const NEXT_BATCH = 50;

/**
 * Matches a newly placed (and already reserved) order against the book, inside its placing transaction and
 * under the pair's lock: best price first, oldest first at a price, each fill at the resting order's price,
 * until it is filled or nothing crosses any more. The user's own resting orders are skipped (they stay on the
 * book); a resting order whose owner may no longer trade fails and gives its reserve back. Each resting owner
 * is notified of their fill through the outbox. Returns the order as it is now and its fills.
 */
export async function matchIncoming(tx: CommonQueryMethods, order: OrderRow, at: Date, asset: string): Promise<{ order: OrderRow; fills: Fill[] }> {
  let incoming = order;
  const fills: Fill[] = [];
  for (let batch = FIRST_BATCH; ; batch = NEXT_BATCH) {
    const resting = await lockCrossingOrders(tx, { pair: incoming.currency_pair, side: incoming.order_type, limitPrice: incoming.price, userId: incoming.user_id }, batch);
    for (const candidate of resting) {
      if (!candidate.owner_allowed) {
        const closed = await closeOrder(tx, candidate.id, { status: 'FAILED', reason: 'not_allowed', at });
        if (closed) await notifyUser(tx, closed.order.user_id, marketNotices.closed(closed.order, 'not_allowed', asset));
        continue;
      }
      const fill = await settleFill(tx, incoming, candidate, at);
      fills.push(fill);
      incoming = fill.incoming;
      await notifyUser(tx, fill.resting.user_id, marketNotices.restingFilled(fill.resting, fill.trade, fill.buyerRefund, asset));
      if (incoming.status === 'COMPLETED') return { order: incoming, fills };
    }
    if (resting.length < batch) return { order: incoming, fills };
  }
}

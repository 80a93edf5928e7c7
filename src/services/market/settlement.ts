import type { CommonQueryMethods } from 'slonik';
import { closeOpenOrder, updateOrderFill, type CloseReason, type OrderRow } from '../../db/orders.ts';
import { insertPlatformLedgerEntry } from '../../db/platformLedgerEntries.ts';
import { insertTrade, type TradeRow } from '../../db/trades.ts';
import { countMarketTrade } from '../../db/userMetrics.ts';
import { Big, CRYPTO_DECIMALS, GHS_DECIMALS } from '../common/amounts.ts';
import { moveFunds, type FundsMovement } from '../wallet/ledger.ts';
import { fillTotal, reservationOf, sellerFee } from './rules.ts';

/** Ledger rows of a market order's owner refer to that order. */
export const ORDER_KIND = 'market_order';

export interface Fill {
  trade: TradeRow;
  /** Both orders after the fill. */
  incoming: OrderRow;
  resting: OrderRow;
  /** GHS the buyer got back from the reserve beyond the trade total (price improvement and rounding). */
  buyerRefund: string;
}

/** The balance changes that put `amount` into an order's reserve (BUY: cedis, SELL: crypto), or give it back. */
export function reserveChanges(side: 'BUY' | 'SELL', amount: string, direction: 'reserve' | 'release'): FundsMovement['changes'] {
  const [available, reserved] = side === 'BUY' ? (['cedis_available', 'cedis_reserved'] as const) : (['crypto_available', 'crypto_reserved'] as const);
  const [from, to] = direction === 'reserve' ? [available, reserved] : [reserved, available];
  return { [from]: `-${amount}`, [to]: amount };
}

async function move(tx: CommonQueryMethods, movement: FundsMovement): Promise<void> {
  // Every amount here comes from the order's own reservation, so a refusal means the books are broken.
  if (!(await moveFunds(tx, movement))) throw new Error(`market: ${movement.reason} for ${movement.reference.kind} ${movement.reference.id} would make a balance negative`);
}

async function recordFill(tx: CommonQueryMethods, order: OrderRow, amount: string, at: Date): Promise<OrderRow> {
  const filled = new Big(order.filled_amount).plus(amount);
  const unfilled = new Big(order.amount).minus(filled);
  const reserve = reservationOf(order.order_type, unfilled, order.price);
  const updated = await updateOrderFill(tx, order.id, order.filled_amount, {
    filledAmount: filled.toFixed(CRYPTO_DECIMALS),
    reservedCedis: reserve.cedis,
    reservedCrypto: reserve.crypto,
    status: unfilled.eq(0) ? 'COMPLETED' : 'PROCESSING',
    at,
  });
  if (!updated) throw new Error(`market: order ${order.id} changed while it was being filled`);
  return updated;
}

/**
 * Settles one fill between an incoming order and a resting one (both open and locked, of different users),
 * at the resting order's price: the trade row, crypto seller → buyer, GHS buyer → seller less the fee, the fee
 * to the platform, the buyer's excess reserve back, both orders' fills, and both users' metrics.
 */
export async function settleFill(tx: CommonQueryMethods, incoming: OrderRow, resting: OrderRow, at: Date): Promise<Fill> {
  const unfilled = (order: OrderRow) => new Big(order.amount).minus(order.filled_amount);
  const amount = (unfilled(incoming).lt(unfilled(resting)) ? unfilled(incoming) : unfilled(resting)).toFixed(CRYPTO_DECIMALS);
  const [buy, sell] = incoming.order_type === 'BUY' ? [incoming, resting] : [resting, incoming];
  const total = fillTotal(amount, resting.price);
  const fee = sellerFee(total, sell.fee_percent);
  const trade = await insertTrade(tx, {
    pair: incoming.currency_pair,
    incomingOrderId: incoming.id,
    restingOrderId: resting.id,
    buyerId: buy.user_id,
    sellerId: sell.user_id,
    amount,
    price: resting.price,
    total,
    feeGhs: fee,
    createdAt: at,
  });

  const buyAfter = await recordFill(tx, buy, amount, at);
  const sellAfter = await recordFill(tx, sell, amount, at);
  const refund = new Big(buy.reserved_cedis).minus(total).minus(buyAfter.reserved_cedis);
  if (refund.lt(0)) throw new Error(`market: order ${buy.id} reserved too little for trade ${trade.id}`);

  const buyer = { kind: ORDER_KIND, id: buy.id };
  // The crypto's value for each user's position: what the buyer paid, what the seller got after the fee.
  await move(tx, { userId: buy.user_id, changes: { cedis_reserved: `-${total}`, crypto_available: amount }, reason: 'market_fill', reference: buyer, cryptoValueGhs: total });
  const buyerRefund = refund.toFixed(GHS_DECIMALS);
  if (refund.gt(0)) {
    await move(tx, { userId: buy.user_id, changes: { cedis_reserved: `-${buyerRefund}`, cedis_available: buyerRefund }, reason: 'market_refund', reference: buyer });
  }
  const proceeds = new Big(total).minus(fee).toString();
  await move(tx, {
    userId: sell.user_id,
    changes: { crypto_reserved: `-${amount}`, cedis_available: proceeds },
    reason: 'market_fill',
    reference: { kind: ORDER_KIND, id: sell.id },
    cryptoValueGhs: proceeds,
  });
  if (new Big(fee).gt(0)) {
    await insertPlatformLedgerEntry(tx, { account: 'fees_cedis', amount: fee, reason: 'market_fee', referenceKind: 'trade', referenceId: trade.id });
  }
  for (const userId of [buy.user_id, sell.user_id]) await countMarketTrade(tx, userId, { totalGhs: trade.total, at: trade.created_at });

  const [incomingAfter, restingAfter] = incoming.order_type === 'BUY' ? [buyAfter, sellAfter] : [sellAfter, buyAfter];
  return { trade, incoming: incomingAfter, resting: restingAfter, buyerRefund };
}

export interface Closed {
  /** The order as it was while open. */
  order: OrderRow;
  released: { cedis: string; crypto: string };
}

/**
 * Closes an open order (cancelled, expired, or failed because its owner may no longer trade) and gives back
 * exactly what it still reserved; null when it was no longer open (filled or closed first).
 */
export async function closeOrder(
  tx: CommonQueryMethods,
  orderId: number,
  close: { status: 'CANCELLED' | 'FAILED'; reason: CloseReason; at: Date },
): Promise<Closed | null> {
  const order = await closeOpenOrder(tx, orderId, close);
  if (!order) return null;
  await move(tx, {
    userId: order.user_id,
    changes: reserveChanges(order.order_type, order.order_type === 'BUY' ? order.reserved_cedis : order.reserved_crypto, 'release'),
    reason: `market_${close.reason}`,
    reference: { kind: ORDER_KIND, id: order.id },
  });
  return { order, released: { cedis: order.reserved_cedis, crypto: order.reserved_crypto } };
}

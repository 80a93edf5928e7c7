import type { CommonQueryMethods } from 'slonik';
import type { CloseReason, OrderRow, OrderSide, OrderStatus } from '../../db/orders.ts';
import { fillTotalsOfOrder } from '../../db/trades.ts';
import { Big, GHS_DECIMALS } from '../common/amounts.ts';
import type { TradedSummary } from './notices.ts';

/** An order as the Telegram layer sees it: plain JSON values (conversations store them). */
export interface OrderView {
  id: number;
  reference: string;
  side: OrderSide;
  amount: string;
  price: string;
  filledAmount: string;
  status: OrderStatus;
  closeReason: CloseReason | null;
  reservedCedis: string;
  reservedCrypto: string;
  feePercent: string;
  /** ISO times. */
  createdAt: string;
  expiresAt: string;
}

export function orderView(row: OrderRow): OrderView {
  return {
    id: row.id,
    reference: row.reference,
    side: row.order_type,
    amount: row.amount,
    price: row.price,
    filledAmount: row.filled_amount,
    status: row.status,
    closeReason: row.close_reason,
    reservedCedis: row.reserved_cedis,
    reservedCrypto: row.reserved_crypto,
    feePercent: row.fee_percent,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

export function isOpen(order: { status: OrderStatus }): boolean {
  return order.status === 'PENDING' || order.status === 'PROCESSING';
}

/** The volume-weighted price of fills, to the pesewa (half up): for display, no money moves by it. */
export function averagePrice(value: string, amount: string): string | null {
  return new Big(amount).gt(0) ? new Big(value).div(amount).round(GHS_DECIMALS, Big.roundHalfUp).toFixed(GHS_DECIMALS) : null;
}

/**
 * What an order has traded: its fills' amount, average price, GHS total and fees; for a BUY also what came back
 * from its reserve (the reserve at placement, less what it paid and what it still holds).
 */
export async function tradedSummary(db: CommonQueryMethods, order: OrderRow): Promise<TradedSummary> {
  const totals = await fillTotalsOfOrder(db, order.id);
  const refund = order.order_type === 'BUY' && order.status !== 'CANCELLED' && order.status !== 'FAILED'
    ? new Big(order.total).minus(totals.total).minus(order.reserved_cedis)
    : new Big(0);
  return {
    amount: totals.amount,
    averagePrice: averagePrice(totals.value, totals.amount),
    totalGhs: new Big(totals.total).toFixed(GHS_DECIMALS),
    feeGhs: new Big(totals.fee).toFixed(GHS_DECIMALS),
    refundGhs: refund.toFixed(GHS_DECIMALS),
  };
}

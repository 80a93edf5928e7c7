import type { CloseReason, OrderRow } from '../../db/orders.ts';
import type { TradeRow } from '../../db/trades.ts';
import { Big, formatCrypto, formatGhs, formatPrice } from '../common/amounts.ts';
import type { Notice } from '../notifications/outbox.ts';

/** What an order has traded so far (or in one placement), for the words of its notices and replies. */
export interface TradedSummary {
  amount: string;
  /** Σ amount × price over its fills, rounded to pesewas half up; null when nothing traded. */
  averagePrice: string | null;
  totalGhs: string;
  feeGhs: string;
  /** GHS the buyer got back from the reserve beyond what they paid. */
  refundGhs: string;
}

const sideWord = (order: OrderRow) => (order.order_type === 'BUY' ? 'buy' : 'sell');

function tradedText(order: OrderRow, traded: { amount: string; price: string; average: boolean; totalGhs: string; feeGhs: string; refundGhs: string }, asset: string): string {
  const at = `at ${traded.average ? 'an average of ' : ''}${formatPrice(traded.price)}`;
  const what = `Your ${sideWord(order)} order ${order.reference} ${order.order_type === 'BUY' ? 'bought' : 'sold'} ${formatCrypto(traded.amount, asset)} ${at} for ${formatGhs(traded.totalGhs)}`;
  const money =
    order.order_type === 'BUY'
      ? new Big(traded.refundGhs).gt(0)
        ? `. ${formatGhs(traded.refundGhs)} of what it reserved is back in your wallet`
        : ''
      : `; after the ${new Big(order.fee_percent).toFixed(2)}% fee of ${formatGhs(traded.feeGhs)}, ${formatGhs(new Big(traded.totalGhs).minus(traded.feeGhs))} is in your wallet`;
  const unfilled = new Big(order.amount).minus(order.filled_amount);
  const state = order.status === 'COMPLETED' ? 'The order is complete.' : `${formatCrypto(unfilled, asset)} is still on the book at ${formatPrice(order.price)}.`;
  return `${what}${money}. ${state}`;
}

function title(order: OrderRow): string {
  return `${order.order_type === 'BUY' ? 'Buy' : 'Sell'} order ${order.status === 'COMPLETED' ? 'filled' : 'partly filled'}`;
}

const CLOSED: Record<CloseReason, { type: string; title: string; why: string; next: string }> = {
  cancelled: { type: 'MARKET_ORDER_CANCELLED', title: 'Order cancelled', why: 'is cancelled', next: '' },
  expired: { type: 'MARKET_ORDER_EXPIRED', title: 'Order expired', why: 'has expired', next: ' Place a new one with /market.' },
  not_allowed: {
    type: 'MARKET_ORDER_FAILED',
    title: 'Order closed',
    why: 'was closed because your account may not trade right now (it must be active and verified)',
    next: ' Contact support if this is unexpected.',
  },
};

/** The words of the notifications the market writes into the outbox. */
export const marketNotices = {
  /** To the owner of a resting order, for one fill. */
  restingFilled: (order: OrderRow, trade: TradeRow, refundGhs: string, asset: string): Notice => ({
    type: order.status === 'COMPLETED' ? 'MARKET_ORDER_FILLED' : 'MARKET_ORDER_PARTLY_FILLED',
    title: title(order),
    message: tradedText(order, { amount: trade.amount, price: trade.price, average: false, totalGhs: trade.total, feeGhs: trade.fee_ghs, refundGhs }, asset),
  }),

  /** To the owner of an incoming order, for everything it traded as it was placed (they read it in the chat). */
  placedFilled: (order: OrderRow, traded: TradedSummary & { averagePrice: string }, asset: string): Notice => ({
    type: order.status === 'COMPLETED' ? 'MARKET_ORDER_FILLED' : 'MARKET_ORDER_PARTLY_FILLED',
    title: title(order),
    message: tradedText(order, { ...traded, price: traded.averagePrice, average: true }, asset),
  }),

  /** To the owner of an order closed before it filled, with what was given back. */
  closed: (order: OrderRow, reason: CloseReason, asset: string): Notice => {
    const words = CLOSED[reason];
    const released = order.order_type === 'BUY' ? formatGhs(order.reserved_cedis) : formatCrypto(order.reserved_crypto, asset);
    return {
      type: words.type,
      title: words.title,
      message: `Your ${sideWord(order)} order ${order.reference} ${words.why}: the ${released} it still reserved is back in your wallet.${words.next}`,
    };
  },
};

import { Big, formatCrypto, formatGhs, formatPrice } from '../../services/common/amounts.ts';
import type { TradedSummary } from '../../services/market/notices.ts';
import { isOpen, type OrderView } from '../../services/market/orderView.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';

export const SIDE_LABEL = { BUY: '🟢 Buy', SELL: '🔴 Sell' } as const;

function statusLabel(order: OrderView): string {
  switch (order.status) {
    case 'PENDING':
      return '⏳ open';
    case 'PROCESSING':
      return '◐ partly filled, open';
    case 'COMPLETED':
      return '✅ filled';
    case 'CANCELLED':
      return order.closeReason === 'expired' ? '⌛ expired' : '✖️ cancelled';
    case 'FAILED':
      return '❌ closed (account may not trade)';
  }
}

export function unfilledOf(order: OrderView): Big {
  return new Big(order.amount).minus(order.filledAmount);
}

/** Two lines of an order in a list: side, reference, amount at price; status, fill, dates. */
export function orderLine(order: OrderView, asset: string): SafeHtml {
  const filled = new Big(order.filledAmount).gt(0) ? html` · filled ${formatCrypto(order.filledAmount, asset)}` : html``;
  const expiry = isOpen(order) ? html` · expires ${formatDateTime(new Date(order.expiresAt))}` : html``;
  return html`${SIDE_LABEL[order.side]} <code>${order.reference}</code> · ${formatCrypto(order.amount, asset)} at ${formatPrice(order.price)}
${statusLabel(order)}${filled} · ${formatDateTime(new Date(order.createdAt))}${expiry}`;
}

/** What an order traded: "you bought 4.00000000 USDT at an average of GHS 15.20 for GHS 60.80" and the money that followed. */
function tradedText(order: OrderView, traded: TradedSummary, asset: string): SafeHtml {
  const what = html`you ${order.side === 'BUY' ? 'bought' : 'sold'} ${formatCrypto(traded.amount, asset)} at an average of ${formatPrice(traded.averagePrice ?? order.price)} for ${formatGhs(traded.totalGhs)}`;
  if (order.side === 'SELL') {
    return html`${what}; after the ${new Big(order.feePercent).toFixed(2)}% fee of ${formatGhs(traded.feeGhs)}, ${formatGhs(new Big(traded.totalGhs).minus(traded.feeGhs))} is in your wallet.`;
  }
  const refund = new Big(traded.refundGhs).gt(0) ? html` ${formatGhs(traded.refundGhs)} of what it reserved is back in your wallet.` : html``;
  return html`${what}.${refund}`;
}

function restingText(order: OrderView, asset: string): SafeHtml {
  const reserved = order.side === 'BUY' ? formatGhs(order.reservedCedis) : formatCrypto(order.reservedCrypto, asset);
  return html`${formatCrypto(unfilledOf(order), asset)} is on the book at ${formatPrice(order.price)} (${reserved} reserved) until it fills; I'll message you when it does. Cancel it any time in /orders; it expires on ${formatDateTime(new Date(order.expiresAt))}.`;
}

/** The reply once an order is placed: filled, partly filled (how much, at what average price) or resting. */
export function placedText(order: OrderView, traded: TradedSummary, asset: string): SafeHtml {
  const side = order.side === 'BUY' ? 'buy' : 'sell';
  switch (order.status) {
    case 'COMPLETED':
      return html`✅ <b>Filled.</b> Your ${side} order <code>${order.reference}</code> is complete: ${tradedText(order, traded, asset)}`;
    case 'PROCESSING':
      return html`✅ <b>Partly filled.</b> Your ${side} order <code>${order.reference}</code>: ${tradedText(order, traded, asset)}\n\nThe other ${restingText(order, asset)}`;
    case 'PENDING':
      return html`✅ <b>Your ${side} order <code>${order.reference}</code> is on the book.</b> Nothing matches it yet: ${restingText(order, asset)}`;
    default:
      return html`Your ${side} order <code>${order.reference}</code> is ${order.status === 'FAILED' ? 'closed' : 'cancelled'}. See /orders.`;
  }
}

import type { GiftCardOrderRow } from '../../db/giftCardOrders.ts';
import { formatGhs, formatMoney } from '../common/amounts.ts';
import type { Notice } from '../notifications/outbox.ts';

type Order = Pick<GiftCardOrderRow, 'reference' | 'card_name' | 'amount' | 'currency' | 'payout_ghs'>;

const card = (order: Order) => `${order.card_name} ${formatMoney(order.amount, order.currency)}`;

/** The words of the notifications gift card trade-ins write into the outbox. */
export const giftCardNotices = {
  approved: (order: Order): Notice => ({
    type: 'GIFT_CARD_APPROVED',
    title: 'Gift card accepted',
    message: `Your gift card ${order.reference} (${card(order)}) was accepted: ${formatGhs(order.payout_ghs)} is now in your wallet. Send /wallet to see it.`,
  }),
  declined: (order: Order, reason: string): Notice => ({
    type: 'GIFT_CARD_DECLINED',
    title: 'Gift card declined',
    message: `Your gift card ${order.reference} (${card(order)}) was declined. Reason: ${reason}. Nothing was credited. If you think this is a mistake, contact support with the reference.`,
  }),
  completed: (order: Order): Notice => ({
    type: 'GIFT_CARD_COMPLETED',
    title: 'Gift card trade-in completed',
    message: `Your gift card trade-in ${order.reference} (${card(order)}) is completed. Thank you for trading with us!`,
  }),
};

import { InlineKeyboard } from 'grammy';
import { formatGhs, formatMoney } from '../../services/common/amounts.ts';
import type { GiftCardOrderService, GiftCardOrderSummary } from '../../services/giftcards/orders.ts';
import { GIFT_CARD_KIND } from '../../services/giftcards/rules.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html, joinHtml } from '../../telegram/html.ts';
import type { OrderList } from '../module.ts';
import { orderPageData } from '../wallet/ordersCommand.ts';
import { addPagingRow } from '../../telegram/paging.ts';

function statusText(order: GiftCardOrderSummary) {
  switch (order.status) {
    case 'pending':
      return html`⏳ with our team`;
    case 'approved':
      return html`✅ paid into your wallet`;
    case 'completed':
      return html`🏁 completed`;
    case 'declined':
      return html`❌ declined: ${order.decline_reason ?? 'no reason given'}`;
  }
}

/** The user's gift card trade-ins in /orders, newest first, with their status. */
export function giftCardOrderList(orders: GiftCardOrderService): OrderList {
  return {
    key: GIFT_CARD_KIND,
    label: '🎁 Gift cards',
    async render(userId, page) {
      const paged = await orders.page(userId, page);
      if (paged.rows.length === 0) return { text: html`🎁 You have not traded in a gift card yet. Send /giftcards to sell one.` };
      const lines = paged.rows.map(
        (order) =>
          html`${order.card_name} · ${formatMoney(order.amount, order.currency)} → ${formatGhs(order.payout_ghs)}\n<code>${order.reference}</code> · ${statusText(order)} · ${formatDateTime(order.created_at)}`,
      );
      const keyboard = addPagingRow(new InlineKeyboard(), paged, (to) => orderPageData(GIFT_CARD_KIND, to));
      return {
        text: html`🎁 <b>Your gift card trade-ins</b> (page ${paged.page + 1} of ${paged.pages})\n\n${joinHtml(lines, '\n\n')}`,
        ...(keyboard.inline_keyboard.flat().length > 0 ? { keyboard } : {}),
      };
    },
  };
}

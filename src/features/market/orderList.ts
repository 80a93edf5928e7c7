import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import type { CancelResult, MarketService, OrderView } from '../../services/market/market.ts';
import { isOpen } from '../../services/market/orderView.ts';
import { orderLine } from '../../scenes/market/orderText.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import type { OrderList } from '../module.ts';
import { orderPageData } from '../wallet/ordersCommand.ts';

const LIST_KEY = 'market';
const CANCEL_ASKED = /^mkt:cx:(\d+):(\d+)$/;
const CANCEL_CONFIRMED = /^mkt:cxy:(\d+):(\d+)$/;

interface ListDeps {
  market: MarketService;
  asset: string;
}

async function renderPage(deps: ListDeps, userId: number, page: number, notice?: SafeHtml): Promise<{ text: SafeHtml; keyboard?: InlineKeyboard }> {
  const list = await deps.market.ordersPage(userId, page);
  const header = notice ? html`${notice}\n\n` : html``;
  if (list.orders.length === 0) return { text: html`${header}📈 You have no market orders yet. Open /market to place one.` };
  const keyboard = new InlineKeyboard();
  for (const order of list.orders.filter(isOpen)) keyboard.text(`✖️ Cancel ${order.reference}`, `mkt:cx:${order.id}:${list.page}`).row();
  if (list.page > 0) keyboard.text('◀️ Newer', orderPageData(LIST_KEY, list.page - 1));
  if (list.page < list.pages - 1) keyboard.text('Older ▶️', orderPageData(LIST_KEY, list.page + 1));
  const lines = list.orders.map((order) => orderLine(order, deps.asset));
  return {
    text: html`${header}📈 <b>Your market orders</b> (page ${list.page + 1} of ${list.pages}), open ones first\n\n${joinHtml(lines, '\n\n')}`,
    ...(keyboard.inline_keyboard.flat().length > 0 ? { keyboard } : {}),
  };
}

/** Market orders in /orders: open ones first, then the recent ones, each open one with a Cancel button. */
export function marketOrderList(deps: ListDeps): OrderList {
  return { key: LIST_KEY, label: '📈 Market orders', render: (userId, page) => renderPage(deps, userId, page) };
}

function releasedText(order: OrderView, released: { cedis: string; crypto: string }, asset: string): string {
  return order.side === 'BUY' ? formatGhs(released.cedis) : formatCrypto(released.crypto, asset);
}

function cancelOutcome(result: CancelResult, asset: string): SafeHtml {
  switch (result.status) {
    case 'cancelled':
      return html`✅ Cancelled <code>${result.order.reference}</code>: ${releasedText(result.order, result.released, asset)} is back in your wallet.`;
    case 'not_open':
      return html`Order <code>${result.order.reference}</code> is no longer open (it was filled, cancelled or expired first), so there was nothing to release.`;
    case 'not_found':
      return html`That order was not found.`;
  }
}

/** Cancel asks first (with what comes back), then cancels; the list is redrawn in place with the outcome. */
export function orderCancelling(deps: ListDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const redraw = async (ctx: BotContext, userId: number, page: number, notice: SafeHtml) => {
    const list = await renderPage(deps, userId, page, notice);
    await editQuietly(ctx.editMessageText(list.text.value, list.keyboard ? { reply_markup: list.keyboard } : {}));
  };
  privateChat.callbackQuery(CANCEL_ASKED, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!ctx.appUser) return;
    const [orderId, page] = [Number(ctx.match[1]), Number(ctx.match[2])];
    const order = await deps.market.ownOrder(ctx.appUser.id, orderId);
    if (!order || !isOpen(order)) {
      await redraw(ctx, ctx.appUser.id, page, html`That order is no longer open, so there is nothing to cancel.`);
      return;
    }
    const reserved = order.side === 'BUY' ? formatGhs(order.reservedCedis) : formatCrypto(order.reservedCrypto, deps.asset);
    const keyboard = new InlineKeyboard().text('✅ Yes, cancel it', `mkt:cxy:${order.id}:${page}`).text('◀️ Keep it', orderPageData(LIST_KEY, page));
    await editQuietly(
      ctx.editMessageText(html`Cancel this order?\n\n${orderLine(order, deps.asset)}\n\nWhat it still reserves, ${reserved}, goes back to your wallet.`.value, { reply_markup: keyboard }),
    );
  });
  privateChat.callbackQuery(CANCEL_CONFIRMED, async (ctx) => {
    if (!ctx.appUser) {
      await ctx.answerCallbackQuery();
      return;
    }
    const result = await deps.market.cancel(ctx.appUser.id, Number(ctx.match[1]));
    await ctx.answerCallbackQuery({ text: result.status === 'cancelled' ? 'Cancelled' : 'Nothing to cancel' });
    await redraw(ctx, ctx.appUser.id, Number(ctx.match[2]), cancelOutcome(result, deps.asset));
  });
  return feature;
}

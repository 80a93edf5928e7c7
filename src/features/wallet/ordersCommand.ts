import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { html } from '../../telegram/html.ts';
import type { OrderList } from '../module.ts';

const ORDER_PAGE = /^ord:([a-z_]+):(\d+)$/;

/** Callback data of a button that shows page `page` of the order list `key`. */
export function orderPageData(key: string, page: number): string {
  return `ord:${key}:${page}`;
}

/** /orders: with one kind of orders, its first page; with several, a button for each. */
export async function showOrders(ctx: BotContext, lists: readonly OrderList[]): Promise<void> {
  const user = ctx.appUser;
  if (!user) {
    await ctx.reply('Please register first: send /start.');
    return;
  }
  const [only] = lists;
  if (!only) {
    await ctx.reply('📦 You have no orders yet.');
    return;
  }
  if (lists.length === 1) {
    const page = await only.render(user.id, 0);
    await ctx.reply(page.text.value, page.keyboard ? { reply_markup: page.keyboard } : {});
    return;
  }
  const keyboard = InlineKeyboard.from(lists.map((list) => [InlineKeyboard.text(list.label, orderPageData(list.key, 0))]));
  await ctx.reply(html`📦 <b>Your orders</b>\n\nWhich orders would you like to see?`.value, { reply_markup: keyboard });
}

/** The paging (and back) buttons of every order list edit the list in place. */
export function orderPaging(lists: () => readonly OrderList[]): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(ORDER_PAGE, async (ctx) => {
    await ctx.answerCallbackQuery();
    const list = lists().find((candidate) => candidate.key === ctx.match[1]);
    if (!ctx.appUser || !list) return;
    const page = await list.render(ctx.appUser.id, Number(ctx.match[2]));
    await editQuietly(ctx.editMessageText(page.text.value, page.keyboard ? { reply_markup: page.keyboard } : {}));
  });
  return feature;
}

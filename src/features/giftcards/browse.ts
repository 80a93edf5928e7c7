import { InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatGhs, formatMoney } from '../../services/common/amounts.ts';
import type { GiftCardRow } from '../../services/giftcards/catalogue.ts';
import type { GiftCardServices } from '../../services/giftcards/giftcards.ts';
import { describeRate, payoutFor } from '../../services/giftcards/rules.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import { calculateData, CARD_UNAVAILABLE, sellCardData } from '../../scenes/giftcards/deps.ts';
import { html, joinHtml } from '../../telegram/html.ts';
import { addPagingRow } from '../../telegram/paging.ts';
import { pageOf, showScreen } from './paging.ts';

/** The user's menu: `gc:l:<page>` brands, `gc:b:<card id>` the cards of that card's brand, `gc:c:<card id>` one card. */
export const BROWSE_CALLBACK = /^gc:([lbc]):(\d+)$/;
const BRANDS_PER_PAGE = 6;

export interface BrowseDeps {
  giftcards: GiftCardServices;
  media: MediaStore;
}

interface Brand {
  name: string;
  cards: GiftCardRow[];
}

/** Active cards grouped by brand (the catalogue lists them by brand already). */
function brandsOf(cards: readonly GiftCardRow[]): Brand[] {
  const brands: Brand[] = [];
  for (const card of cards) {
    const last = brands.at(-1);
    if (last && last.name.toLowerCase() === card.brand.toLowerCase()) last.cards.push(card);
    else brands.push({ name: card.brand, cards: [card] });
  }
  return brands;
}

const rateLine = (card: GiftCardRow) => html`${card.name}: ${describeRate(card.rate_buy, card.currency)}`;

/** /giftcards: every active card's rate, by brand, a page of brands at a time, with a button per brand. */
export async function showBrands(ctx: BotContext, deps: BrowseDeps, page: number): Promise<void> {
  const brands = brandsOf(await deps.giftcards.catalogue.active());
  if (brands.length === 0) {
    await ctx.reply('🎁 We are not taking gift cards right now. Please check again later.');
    return;
  }
  const paged = pageOf(brands, page, BRANDS_PER_PAGE);
  const rates = paged.items.map((brand) => html`<b>${brand.name}</b>\n${joinHtml(brand.cards.map(rateLine))}`);
  const keyboard = InlineKeyboard.from([paged.items.map((brand) => InlineKeyboard.text(brand.name, `gc:b:${brand.cards[0]?.id ?? 0}`))]).toFlowed(2);
  addPagingRow(keyboard, paged, (to) => `gc:l:${to}`);
  const pageNote = paged.pages > 1 ? html` (page ${paged.page + 1} of ${paged.pages})` : html``;
  await showScreen(
    ctx,
    html`🎁 <b>Sell a gift card</b>${pageNote}

We pay cedis into your wallet, per 1 unit of the card's face value:

${joinHtml(rates, '\n\n')}

Choose the brand of your card.`.value,
    keyboard,
  );
}

/** The active cards of one brand, each with its button. */
async function showBrand(ctx: BotContext, deps: BrowseDeps, cardId: number): Promise<void> {
  const cards = await deps.giftcards.catalogue.active();
  const brand = cards.find((card) => card.id === cardId)?.brand.toLowerCase();
  const ofBrand = cards.filter((card) => card.brand.toLowerCase() === brand);
  if (!brand || ofBrand.length === 0) {
    await ctx.answerCallbackQuery({ text: CARD_UNAVAILABLE, show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const keyboard = InlineKeyboard.from([...ofBrand.map((card) => [InlineKeyboard.text(`${card.name} · ${card.currency}`, `gc:c:${card.id}`)]), [InlineKeyboard.text('⬅️ All brands', 'gc:l:0')]]);
  await showScreen(ctx, html`🎁 <b>${ofBrand[0]?.brand ?? ''}</b>\n\n${joinHtml(ofBrand.map(rateLine))}\n\nWhich card do you have?`.value, keyboard);
}

/** One card: its picture (when it has one), its rate and an example, the calculator and Sell. */
async function showCard(ctx: BotContext, deps: BrowseDeps, cardId: number): Promise<void> {
  const card = await deps.giftcards.orders.offer(cardId);
  if (!card) {
    await ctx.answerCallbackQuery({ text: CARD_UNAVAILABLE, show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const example = '100';
  const text = html`🎁 <b>${card.name}</b> (${card.brand})
Rate: ${describeRate(card.rateBuy, card.currency)}
A ${formatMoney(example, card.currency)} card gets you ${formatGhs(payoutFor(example, card.rateBuy))}.`.value;
  const keyboard = new InlineKeyboard()
    .text('🧮 What do I get?', calculateData(card.id))
    .text('💳 Sell this card', sellCardData(card.id))
    .row()
    .text('⬅️ All brands', 'gc:l:0');
  if (card.image) await ctx.replyWithPhoto(new InputFile(deps.media.absolutePath(card.image)), { caption: text, reply_markup: keyboard });
  else await ctx.reply(text, { reply_markup: keyboard });
}

/** A tap in the menu: `screen` l (brands, `id` the page), b (a brand, by one of its cards) or c (a card). */
export async function handleBrowseTap(ctx: BotContext, deps: BrowseDeps, screen: string, id: number): Promise<void> {
  if (screen === 'l') {
    await ctx.answerCallbackQuery();
    await showBrands(ctx, deps, id);
  } else if (screen === 'b') await showBrand(ctx, deps, id);
  else await showCard(ctx, deps, id);
}

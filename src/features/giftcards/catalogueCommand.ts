import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { TelegramIdentity } from '../../services/accounts/admins.ts';
import type { CatalogueService, GiftCardRow } from '../../services/giftcards/catalogue.ts';
import { catalogueCardText, catalogueProblemText, plainCard, ratesText } from '../../scenes/giftcards/catalogueWords.ts';
import { html, joinHtml } from '../../telegram/html.ts';
import { addPagingRow } from '../../telegram/paging.ts';
import { pageOf, showScreen } from './paging.ts';

/**
 * Admin buttons of /catalogue: `gcc:l:<page>` the list, `gcc:c:<id>` a card, `gcc:on|off:<id>` activate or
 * deactivate it, `gcc:r:<id>` edit its rates, `gcc:i:<id>` set its picture, `gcc:add:0` add a card.
 */
export const CATALOGUE_CALLBACK = /^gcc:(l|c|on|off|r|i|add):(\d+)$/;
const CARDS_PER_PAGE = 8;

const mark = (card: GiftCardRow) => (card.is_active ? '✅' : '💤');

/** /catalogue: every card, active or not, by brand, with a button each and one to add a card. */
export async function showCatalogue(ctx: BotContext, catalogue: CatalogueService, page: number): Promise<void> {
  const paged = pageOf(await catalogue.all(), page, CARDS_PER_PAGE);
  const lines = paged.items.map((card) => html`${mark(card)} ${card.name} (${card.brand}, ${card.currency}): ${ratesText(plainCard(card))}`);
  const keyboard = InlineKeyboard.from(paged.items.map((card) => [InlineKeyboard.text(`${mark(card)} ${card.name} · ${card.currency}`, `gcc:c:${card.id}`)]));
  addPagingRow(keyboard, paged, (to) => `gcc:l:${to}`);
  keyboard.row().text('➕ Add a card', 'gcc:add:0');
  const body = lines.length > 0 ? joinHtml(lines) : html`No cards yet.`;
  await showScreen(
    ctx,
    html`🎁 <b>Gift card catalogue</b> (page ${paged.page + 1} of ${paged.pages})

✅ offered to users · 💤 inactive

${body}

Tap a card to change its rates, picture or status.`.value,
    keyboard,
  );
}

function cardKeyboard(card: GiftCardRow): InlineKeyboard {
  return new InlineKeyboard()
    .text('✏️ Edit rates', `gcc:r:${card.id}`)
    .text('🖼 Set picture', `gcc:i:${card.id}`)
    .row()
    .text(card.is_active ? '💤 Deactivate' : '✅ Activate', `gcc:${card.is_active ? 'off' : 'on'}:${card.id}`)
    .row()
    .text('⬅️ Catalogue', 'gcc:l:0');
}

/** One card for admins, in place of the message tapped. */
export async function showCatalogueCard(ctx: BotContext, catalogue: CatalogueService, id: number, note?: string): Promise<void> {
  const card = await catalogue.find(id);
  if (!card) {
    await ctx.answerCallbackQuery({ text: 'That card no longer exists.', show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery(note ? { text: note } : {});
  await showScreen(ctx, catalogueCardText(plainCard(card)).value, cardKeyboard(card));
}

/** Activate or deactivate: audited by the catalogue service; the card is shown again as it is now. */
export async function toggleCard(ctx: BotContext, from: TelegramIdentity, catalogue: CatalogueService, id: number, active: boolean): Promise<void> {
  const outcome = await catalogue.setActive(id, active, from);
  if (outcome.status !== 'done') {
    await ctx.answerCallbackQuery({ text: catalogueProblemText(outcome), show_alert: true });
    // Already so: the card shown was out of date (another admin changed it); show it as it is.
    if (outcome.status === 'unchanged') await showScreen(ctx, catalogueCardText(plainCard(outcome.card)).value, cardKeyboard(outcome.card));
    return;
  }
  await ctx.answerCallbackQuery({ text: active ? `${outcome.card.name} is offered to users now.` : `${outcome.card.name} is hidden from users now.` });
  await showScreen(ctx, catalogueCardText(plainCard(outcome.card)).value, cardKeyboard(outcome.card));
}

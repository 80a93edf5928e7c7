import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import type { CatalogueOutcome } from '../../services/giftcards/catalogue.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';
import { askCardPicture, askRate } from './adminSteps.ts';
import { catalogueCardText, catalogueOutcomeText, plainCard, type CatalogueCard } from './catalogueWords.ts';
import type { GiftCardSceneDeps } from './deps.ts';

export const GIFT_CARD_EDIT_RATES = 'giftcard-edit-rates';
export const GIFT_CARD_SET_PICTURE = 'giftcard-set-picture';

/** The card to change, or null after telling the admin it is gone. */
async function loadCard(conversation: BotConversation, ctx: ConversationContext, deps: GiftCardSceneDeps, cardId: number): Promise<CatalogueCard | null> {
  const card = await conversation.external(async () => {
    const row = await deps.giftcards.catalogue.find(cardId);
    return row ? plainCard(row) : null;
  });
  if (!card) await ctx.reply('That card no longer exists. Send /catalogue to see the catalogue.');
  return card;
}

/** Both rates of a card, typed, then old and new to confirm. Orders already made keep the rate they were quoted. */
export function createEditRatesConversation(deps: GiftCardSceneDeps) {
  return async function editGiftCardRates(conversation: BotConversation, ctx: ConversationContext, cardId: number): Promise<void> {
    const admin = ctx.from;
    const card = admin ? await loadCard(conversation, ctx, deps, cardId) : null;
    if (!admin || !card) return;
    const rateBuy = await askRate(conversation, ctx, 'buying', card.currency, card.rateBuy);
    const rateSell = await askRate(conversation, ctx, 'selling', card.currency, card.rateSell);
    const decision = await choose(
      conversation,
      ctx,
      html`<b>Change the rates of ${card.name}?</b>

Buying (we pay): ${formatGhs(card.rateBuy)} → ${formatGhs(rateBuy)} per 1 ${card.currency}
Selling: ${formatGhs(card.rateSell)} → ${formatGhs(rateSell)} per 1 ${card.currency}

Trade-ins already sent keep the rate they were quoted.`,
      [[{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }]],
    );
    if (decision === 'no') {
      await ctx.reply('The rates were not changed.');
      return;
    }
    const reply = await conversation.external(async () =>
      catalogueOutcomeText(await deps.giftcards.catalogue.setRates(cardId, { rateBuy, rateSell }, admin), (changed) => html`✅ Saved.\n\n${catalogueCardText(changed)}`).value,
    );
    await ctx.reply(reply);
  };
}

/** A new picture for a card (the old one is deleted once the new one is saved). */
export function createSetPictureConversation(deps: GiftCardSceneDeps) {
  return async function setGiftCardPicture(conversation: BotConversation, ctx: ConversationContext, cardId: number): Promise<void> {
    const admin = ctx.from;
    const card = admin ? await loadCard(conversation, ctx, deps, cardId) : null;
    if (!admin || !card) return;
    const picture = await askCardPicture(conversation, ctx, deps);
    const reply = await conversation.external(async (outer) => {
      const bytes = await deps.download(outer.api, picture.fileId, picture.fileSize);
      const outcome: CatalogueOutcome = bytes.ok ? await deps.giftcards.catalogue.setImage(cardId, bytes.value, admin) : { status: 'invalid_image', reason: bytes.reason };
      return catalogueOutcomeText(outcome, (changed) => html`✅ The picture of ${changed.name} is saved.`).value;
    });
    await ctx.reply(reply);
  };
}

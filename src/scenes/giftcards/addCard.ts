import type { BotConversation, ConversationContext } from '../../context.ts';
import { Big } from '../../services/common/amounts.ts';
import type { CatalogueOutcome } from '../../services/giftcards/catalogue.ts';
import { checkBrand, checkCardName, GIFT_CARD_CURRENCIES } from '../../services/giftcards/rules.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';
import type { PhotoRef } from '../ask/photos.ts';
import { askAdminText, askCardPicture, askRate } from './adminSteps.ts';
import { catalogueCardText, catalogueOutcomeText, ratesText } from './catalogueWords.ts';
import type { GiftCardSceneDeps } from './deps.ts';

export const GIFT_CARD_ADD = 'giftcard-add';

/**
 * An admin adds a card to the catalogue: name, brand, currency, both rates, an optional picture, then a
 * summary to confirm, offered to users at once or kept inactive. The catalogue service audits it.
 */
export function createAddCardConversation(deps: GiftCardSceneDeps) {
  const { catalogue } = deps.giftcards;
  return async function addGiftCard(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const admin = ctx.from;
    if (!admin) return;
    const name = await askAdminText(conversation, ctx, html`Type the <b>name</b> of the new card as users will see it, e.g. Steam Wallet (USA).`, checkCardName);
    const brand = await askAdminText(conversation, ctx, html`Type its <b>brand</b>, e.g. Steam. Cards of one brand are listed together.`, checkBrand);
    const currency = await choose(
      conversation,
      ctx,
      html`Which currency is the face value of ${name} in?`,
      [GIFT_CARD_CURRENCIES.map((code) => ({ label: code, value: code }))],
    );
    const rateBuy = await askRate(conversation, ctx, 'buying', currency);
    const rateSell = await askRate(conversation, ctx, 'selling', currency);
    const withPicture = await choose(conversation, ctx, html`Should ${name} have a picture users see when they choose it?`, [
      [{ label: '🖼 Add a picture', value: 'yes' }, { label: '⏭ No picture', value: 'no' }],
    ]);
    const picture: PhotoRef | null = withPicture === 'yes' ? await askCardPicture(conversation, ctx, deps) : null;

    const card = { name, brand, currency, rateBuy, rateSell };
    const warning = new Big(rateSell).lt(rateBuy) ? html`\n\n⚠️ The selling rate is below the buying rate.` : html``;
    const decision = await choose(
      conversation,
      ctx,
      html`<b>Add this card?</b>\n\n${name} (${brand}, ${currency})\nRates: ${ratesText(card)}\nPicture: ${picture ? 'yes' : 'none'}${warning}`,
      [[{ label: '✅ Add and offer it', value: 'active' }], [{ label: '💤 Add, inactive', value: 'inactive' }, { label: '❌ Cancel', value: 'cancel' }]],
    );
    if (decision === 'cancel') {
      await ctx.reply('Nothing was added.');
      return;
    }
    // Worded inside: only plain values may leave `external` (the outcome's card has dates).
    const reply = await conversation.external(async (outer) => {
      const bytes = picture ? await deps.download(outer.api, picture.fileId, picture.fileSize) : null;
      const outcome: CatalogueOutcome =
        bytes && !bytes.ok ? { status: 'invalid_image', reason: bytes.reason } : await catalogue.add({ ...card, active: decision === 'active' }, bytes?.value ?? null, admin);
      return catalogueOutcomeText(outcome, (added) => html`✅ Added. Send /catalogue to see it with the others.\n\n${catalogueCardText(added)}`).value;
    });
    await ctx.reply(reply);
  };
}

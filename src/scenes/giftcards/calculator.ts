import { InlineKeyboard } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs, formatMoney } from '../../services/common/amounts.ts';
import type { GiftCardOrderService } from '../../services/giftcards/orders.ts';
import { describeRate, payoutFor } from '../../services/giftcards/rules.ts';
import { html } from '../../telegram/html.ts';
import { calculateData, CARD_UNAVAILABLE, sellCardData } from './deps.ts';
import { askFaceValue } from './faceValue.ts';

export const GIFT_CARD_CALCULATOR = 'giftcard-calculator';

/** "What do I get for a USD 100 Steam card?": the payout at today's rate, without starting a trade-in. */
export function createCalculatorConversation(deps: { orders: GiftCardOrderService }) {
  return async function giftCardCalculator(conversation: BotConversation, ctx: ConversationContext, cardId: number): Promise<void> {
    const card = await conversation.external(() => deps.orders.offer(cardId));
    if (!card) {
      await ctx.reply(CARD_UNAVAILABLE);
      return;
    }
    const faceValue = await askFaceValue(conversation, ctx, deps.orders, card, html`🧮 <b>${card.name}</b> at ${describeRate(card.rateBuy, card.currency)}`);
    const keyboard = new InlineKeyboard().text('💳 Sell this card', sellCardData(card.id)).text('🧮 Another amount', calculateData(card.id));
    await ctx.reply(
      html`🧮 A <b>${formatMoney(faceValue, card.currency)}</b> ${card.name} card gets you <b>${formatGhs(payoutFor(faceValue, card.rateBuy))}</b> at today's rate of ${describeRate(card.rateBuy, card.currency)}.

Rates can change; the payout is fixed when you confirm a trade-in. Tap <b>Sell this card</b> to start.`.value,
      { reply_markup: keyboard },
    );
  };
}

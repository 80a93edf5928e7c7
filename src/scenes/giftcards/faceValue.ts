import type { BotConversation, ConversationContext } from '../../context.ts';
import type { CardOffer, GiftCardOrderService } from '../../services/giftcards/orders.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { askText } from '../ask/ask.ts';

/** The card's face value, one question: re-asked with the reason until it is a number within the limits. */
export function askFaceValue(
  conversation: BotConversation,
  ctx: ConversationContext,
  orders: GiftCardOrderService,
  card: CardOffer,
  intro: SafeHtml,
): Promise<string> {
  return askText(conversation, ctx, html`${intro}\n\nEnter the face value in ${card.currency}, e.g. 100.`, (text) =>
    conversation.external(() => orders.checkFaceValue(text, card.currency)),
  );
}

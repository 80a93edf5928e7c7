import type { GiftCardServices } from '../../services/giftcards/giftcards.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';

/** What the gift card conversations use. */
export interface GiftCardSceneDeps {
  giftcards: GiftCardServices;
  media: MediaStore;
  download: FileDownloader;
  cards: CardPublisher;
}

/** Callback data of the buttons that start a trade-in or the calculator for a card (features/giftcards handles them). */
export const sellCardData = (cardId: number): string => `gc:s:${cardId}`;
export const calculateData = (cardId: number): string => `gc:q:${cardId}`;

export const CARD_UNAVAILABLE = 'This card is not on offer right now. Send /giftcards to see the cards we take.';

import { giftCardOrderHistory } from '../../db/giftCardOrders.ts';
import type { SharedServices } from '../index.ts';
import type { HistorySource } from '../wallet/history.ts';
import { createCatalogueService, type CatalogueService } from './catalogue.ts';
import { createGiftCardOrderService, type GiftCardOrderService } from './orders.ts';
import { GIFT_CARD_CODES } from './rules.ts';

export interface GiftCardServices {
  catalogue: CatalogueService;
  orders: GiftCardOrderService;
}

/** Trade-ins in the user's /history. */
export const giftCardHistory: readonly HistorySource[] = [giftCardOrderHistory];

export function createGiftCardServices(shared: SharedServices): GiftCardServices {
  return {
    catalogue: createCatalogueService(shared),
    orders: createGiftCardOrderService({ ...shared, codes: shared.sealer(GIFT_CARD_CODES) }),
  };
}

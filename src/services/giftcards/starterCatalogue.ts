import type { NewGiftCard } from '../../db/giftCards.ts';

const STARTER: readonly (readonly [brand: string, name: string])[] = [
  ['Amazon', 'Amazon (USA)'],
  ['Apple', 'Apple / iTunes (USA)'],
  ['Steam', 'Steam Wallet (USA)'],
  ['Google Play', 'Google Play (USA)'],
  ['Razer Gold', 'Razer Gold (Global)'],
  ['Sephora', 'Sephora (USA)'],
  ['Nordstrom', 'Nordstrom (USA)'],
  ['eBay', 'eBay (USA)'],
  ['Vanilla', 'Vanilla Visa (USA)'],
  ['Walmart', 'Walmart (USA)'],
  ['Xbox', 'Xbox (USA)'],
  ['PlayStation', 'PlayStation Store (USA)'],
];

/**
 * The cards most traded in Ghana, in USD. They start inactive with no rates: users see a card only once an
 * admin has set its rates and activated it in /catalogue.
 */
export const STARTER_CATALOGUE: readonly NewGiftCard[] = STARTER.map(([brand, name]) => ({
  brand,
  name,
  currency: 'USD',
  rateBuy: '0.00',
  rateSell: '0.00',
  image: null,
  isActive: false,
}));

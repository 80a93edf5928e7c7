import { Big, formatMoney, GHS_DECIMALS, readPositiveDecimal, roundDown, type DecimalProblem } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

/** The request kind's one name: callback data, audit rows, the ledger, history and cards. */
export const GIFT_CARD_KIND = 'gift_card';
/** Audit rows of catalogue changes (the subject is a gift_cards row, not an order). */
export const CATALOGUE_AUDIT_KIND = 'gift_card_catalogue';
/** The sealing purpose of e-codes: its own key, derived from STATE_SECRET. */
export const GIFT_CARD_CODES = 'gift-card-codes';

/** Currencies of cards admins can add; a card's face value is in its currency. */
export const GIFT_CARD_CURRENCIES = ['USD', 'GBP', 'EUR', 'CAD', 'AUD'] as const;
export type GiftCardCurrency = (typeof GIFT_CARD_CURRENCIES)[number];
const SYMBOLS: Partial<Record<string, string>> = { USD: '$', GBP: '£', EUR: '€' };

/** Photos of one trade-in: the card, its back with the code, the receipt … (an album holds at most 10). */
export const MAX_PROOFS = 5;
/** DECIMAL(10,2) holds less than 100 million; no card is worth a fraction of that per unit. */
const MAX_RATE = '100000';

/** What the user receives for a card: face value × rate_buy, rounded down to pesewas. */
export function payoutFor(faceValue: string, rateBuy: string): string {
  return roundDown(new Big(faceValue).times(rateBuy), GHS_DECIMALS).toFixed(GHS_DECIMALS);
}

/** "GHS 11.50 per 1 USD" */
export function describeRate(rateBuy: string, currency: string): string {
  return `${formatMoney(rateBuy, 'GHS')} per 1 ${currency}`;
}

function decimalReason(problem: DecimalProblem, what: string, example: string): string {
  switch (problem) {
    case 'not_a_number':
      return `Type ${what} as a number, e.g. ${example}.`;
    case 'not_positive':
      return `${what[0]?.toUpperCase()}${what.slice(1)} must be more than zero, e.g. ${example}.`;
    case 'too_many_decimals':
      return `${what[0]?.toUpperCase()}${what.slice(1)} has at most 2 decimals, e.g. ${example.includes('.') ? example : `${example}.50`}.`;
  }
}

/** A rate in GHS per unit of face value, e.g. "11.50". */
export function checkRate(text: string, which: 'buying' | 'selling', currency: string): Checked<string> {
  const example = which === 'buying' ? '11.50' : '12.80';
  const read = readPositiveDecimal(text.replace(/^\s*(ghs|gh₵|₵)\s*/i, ''), 2);
  if (!read.ok) return invalid(decimalReason(read.problem, `the ${which} rate in cedis per 1 ${currency}`, example));
  if (new Big(read.value).gt(MAX_RATE)) return invalid(`A rate above ${formatMoney(MAX_RATE, 'GHS')} per 1 ${currency} must be a typo. Type it again, e.g. ${example}.`);
  return valid(new Big(read.value).toFixed(2));
}

/** A face value in the card's currency, as typed ("100", "USD 100", "$100"), within the limits in settings. */
export function checkFaceValue(text: string, currency: string, limits: { min: string; max: string }): Checked<string> {
  const symbol = SYMBOLS[currency];
  const units = [currency, ...(symbol ? [symbol.replace('$', '\\$')] : [])].join('|');
  const bare = text.trim().replace(new RegExp(`^(${units})\\s*|\\s*(${units})$`, 'i'), '');
  const read = readPositiveDecimal(bare, 2);
  if (!read.ok) return invalid(decimalReason(read.problem, `the face value in ${currency}`, '100'));
  if (new Big(read.value).lt(limits.min)) return invalid(`The smallest face value we take is ${formatMoney(limits.min, currency)}. Type a larger amount.`);
  if (new Big(read.value).gt(limits.max)) return invalid(`The largest face value we take is ${formatMoney(limits.max, currency)}. Type a smaller amount.`);
  return valid(new Big(read.value).toFixed(2));
}

function checkLabel(text: string, what: string, max: number, example: string): Checked<string> {
  const label = text.trim().replace(/\s+/g, ' ');
  return /^[\p{L}\p{N}][\p{L}\p{N} &'’().,/+-]*$/u.test(label) && label.length >= 2 && label.length <= max
    ? valid(label)
    : invalid(`Type ${what} of 2 to ${max} letters, digits and spaces, e.g. ${example}.`);
}

export const checkCardName = (text: string): Checked<string> => checkLabel(text, 'the card name', 60, 'Steam Wallet (USA)');
export const checkBrand = (text: string): Checked<string> => checkLabel(text, 'the brand', 40, 'Steam');

/** An e-code as printed or e-mailed: letters and digits, with dashes or spaces between groups. */
export function checkCardCode(text: string): Checked<string> {
  const code = text.trim().replace(/\s+/g, ' ');
  return /^[A-Za-z0-9][A-Za-z0-9 -]{2,62}[A-Za-z0-9]$/.test(code)
    ? valid(code)
    : invalid('A gift card code is 4 to 64 letters and digits (dashes and spaces allowed), e.g. X7KQ-9M2P-4TZA. Type it again, or tap Skip.');
}

/** The code as the user sees it back: only its last 4 characters. */
export function maskCode(code: string): string {
  return `••••${code.replace(/[ -]/g, '').slice(-4)}`;
}

import Big from 'big.js';
import { invalid, valid, type Checked } from './validation.ts';

export { Big };

/** Decimal places of each asset: cedis have pesewas, the crypto asset 8 places. */
export const GHS_DECIMALS = 2;
export const CRYPTO_DECIMALS = 8;

export type Currency = 'GHS' | 'CRYPTO';

/** Amounts the user receives round down; amounts the user pays round up. */
export function roundDown(value: Big, decimals: number): Big {
  return value.round(decimals, Big.roundDown);
}
export function roundUp(value: Big, decimals: number): Big {
  return value.round(decimals, Big.roundUp);
}

export function decimalsOf(currency: Currency): number {
  return currency === 'GHS' ? GHS_DECIMALS : CRYPTO_DECIMALS;
}

export interface AmountInput {
  currency: Currency;
  /** Exact decimal string, e.g. "500" or "25.5". */
  amount: string;
}

const GHS_WORDS = /^(ghs|gh₵|ghc|₵|cedis?)$/i;

/**
 * Reads an amount as people type it: "500", "1,500.50", "GHS 500", "500 cedis", "₵500", "25 USDT".
 * A bare number is in `defaultCurrency`. Never goes through a JS number.
 */
export function parseAmount(text: string, asset: string, defaultCurrency: Currency = 'GHS'): Checked<AmountInput> {
  const example = defaultCurrency === 'GHS' ? 'e.g. 250 or GHS 250' : `e.g. 25 or 25 ${asset}`;
  const match = /^([^\d.,\s]*)\s*([\d,]*\.?\d*)\s*([^\d.,\s]*)$/u.exec(text.trim());
  const [, before = '', number = '', after = ''] = match ?? [];
  const unit = before || after;
  if (!match || (before && after) || !/\d/.test(number) || (number.includes(',') && !/^\d{1,3}(,\d{3})*(\.\d*)?$/.test(number))) {
    return invalid(`Please type an amount, ${example}.`);
  }
  const currency: Currency | undefined = unit === '' ? defaultCurrency : GHS_WORDS.test(unit) ? 'GHS' : unit.toUpperCase() === asset ? 'CRYPTO' : undefined;
  if (!currency) return invalid(`I only know GHS and ${asset}. Please type an amount, ${example}.`);
  const amount = new Big(number.replace(/,/g, '') || '0');
  if (amount.lte(0)) return invalid(`The amount must be more than zero, ${example}.`);
  const places = number.split('.')[1]?.length ?? 0;
  if (places > decimalsOf(currency)) {
    return invalid(currency === 'GHS' ? 'Cedi amounts have at most 2 decimals (pesewas), e.g. 250.50.' : `${asset} amounts have at most 8 decimals.`);
  }
  return valid({ currency, amount: amount.toString() });
}

function withSeparators(fixed: string): string {
  const [whole = '0', fraction] = fixed.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction ? `.${fraction}` : ''}`;
}

/** "GHS 1,150.00" */
export function formatGhs(amount: string | Big): string {
  return `GHS ${withSeparators(new Big(amount).toFixed(GHS_DECIMALS))}`;
}

/** "12.50000000 USDT" */
export function formatCrypto(amount: string | Big, asset: string): string {
  return `${withSeparators(new Big(amount).toFixed(CRYPTO_DECIMALS))} ${asset}`;
}

/** A market price, with every decimal it has (at least 2): "GHS 15.20", "GHS 15.23456789". */
export function formatPrice(priceGhs: string | Big): string {
  const fixed = new Big(priceGhs).toFixed(CRYPTO_DECIMALS).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `GHS ${withSeparators(`${whole}.${fraction.padEnd(GHS_DECIMALS, '0')}`)}`;
}

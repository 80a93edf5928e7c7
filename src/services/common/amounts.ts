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

export type DecimalProblem = 'not_a_number' | 'not_positive' | 'too_many_decimals';

/**
 * A positive decimal as people type it ("100", "1,250.50", "25.5"), with at most `places` decimals, as an exact
 * string; or what is wrong with it, for the caller to word. Never goes through a JS number.
 */
export function readPositiveDecimal(text: string, places: number): { ok: true; value: string } | { ok: false; problem: DecimalProblem } {
  const match = /^(-?)\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] === undefined && match[3] === undefined)) return { ok: false, problem: 'not_a_number' };
  const [, minus, whole = '0', fraction = ''] = match;
  const value = new Big(`${whole.replace(/,/g, '')}.${fraction || '0'}`);
  if (minus || value.lte(0)) return { ok: false, problem: 'not_positive' };
  if (fraction.length > places) return { ok: false, problem: 'too_many_decimals' };
  return { ok: true, value: value.toString() };
}

function withSeparators(fixed: string): string {
  const [whole = '0', fraction] = fixed.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction ? `.${fraction}` : ''}`;
}

/** An amount with 2 decimals and thousands separators: "1,250.50". */
export function formatAmount(amount: string | Big): string {
  return withSeparators(new Big(amount).toFixed(2));
}

/** An amount with 2 decimals in a currency: "USD 100.00", "GBP 1,250.50". */
export function formatMoney(amount: string | Big, currency: string): string {
  return `${currency} ${formatAmount(amount)}`;
}

/** "GHS 1,150.00" */
/** Cedis as whole pesewas, as payment providers take amounts (the amount has at most 2 decimals). */
export function toPesewas(cedis: string): number {
  return Number(new Big(cedis).times(100).toFixed(0));
}

/** Whole pesewas as cedis with 2 decimals, e.g. 25050 → '250.50'. */
export function fromPesewas(pesewas: number): string {
  return new Big(pesewas).div(100).toFixed(GHS_DECIMALS);
}

export function formatGhs(amount: string | Big): string {
  return formatMoney(amount, 'GHS');
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

import type { OrderSide } from '../../db/orders.ts';
import { Big, CRYPTO_DECIMALS, formatGhs, GHS_DECIMALS, parseAmount, roundDown, roundUp } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

/**
 * The market's arithmetic. Amounts have 8 decimals and limit prices 2 (GHS), so amount × price has up to 10:
 * - a BUY reserves its unfilled amount × its limit price rounded UP to the pesewa (the most it may pay);
 * - a fill's GHS total is its amount × the resting order's price rounded DOWN (the seller receives it);
 * - the seller's fee is the total × the fee percent rounded UP (so what the seller keeps rounds down).
 * After each fill a BUY keeps exactly the reservation of what is still unfilled and gets the rest back
 * (price improvement and rounding); the sum of rounded-down totals never exceeds the rounded-up reserve,
 * so that difference is never negative, and every pesewa stays with the buyer, the seller or the fee.
 */

/** The largest price and amount an order may have (the columns hold 12 integer digits). */
export const MAX_PRICE_GHS = '10000000';
export const MAX_AMOUNT = '1000000000';

const DAY_MS = 24 * 60 * 60_000;

/** Orders expire a number of days after they are placed; the market's day figures look back one day. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function marketPair(asset: string): string {
  return `${asset}/GHS`;
}

export function buyReservation(unfilled: Big | string, price: string): string {
  return roundUp(new Big(unfilled).times(price), GHS_DECIMALS).toFixed(GHS_DECIMALS);
}

/** What an open order reserves: the unfilled amount (SELL) or its GHS value at the limit price (BUY). */
export function reservationOf(side: OrderSide, unfilled: Big | string, price: string): { cedis: string; crypto: string } {
  return side === 'BUY'
    ? { cedis: buyReservation(unfilled, price), crypto: new Big(0).toFixed(CRYPTO_DECIMALS) }
    : { cedis: new Big(0).toFixed(GHS_DECIMALS), crypto: new Big(unfilled).toFixed(CRYPTO_DECIMALS) };
}

export function fillTotal(amount: string, price: string): string {
  return roundDown(new Big(amount).times(price), GHS_DECIMALS).toFixed(GHS_DECIMALS);
}

export function sellerFee(total: string, feePercent: string): string {
  return roundUp(new Big(total).times(feePercent).div(100), GHS_DECIMALS).toFixed(GHS_DECIMALS);
}

export interface OrderLimits {
  minOrderGhs: string;
  maxOrderGhs: string;
}

/** An amount of the asset as typed: "25", "0.5", "25 USDT"; at most 8 decimals. */
export function parseOrderAmount(text: string, asset: string): Checked<string> {
  const parsed = parseAmount(text, asset, 'CRYPTO');
  if (!parsed.ok) return invalid(`Please type how much ${asset}, e.g. 25 or 0.5 (at most 8 decimals).`);
  if (parsed.value.currency !== 'CRYPTO') return invalid(`Type the amount in ${asset}, e.g. 25; you set the price in cedis next.`);
  if (new Big(parsed.value.amount).gt(MAX_AMOUNT)) return invalid(`That is more than an order can hold. Type a smaller amount of ${asset}.`);
  return valid(new Big(parsed.value.amount).toFixed(CRYPTO_DECIMALS));
}

/** A limit price in cedis per unit as typed: "15.20", "GHS 15.2"; positive, at most 2 decimals. */
export function parseOrderPrice(text: string, asset: string): Checked<string> {
  const parsed = parseAmount(text, asset, 'GHS');
  if (!parsed.ok || parsed.value.currency !== 'GHS' || new Big(parsed.value.amount).gt(MAX_PRICE_GHS)) {
    return invalid(`Please type the price in cedis per ${asset} with at most 2 decimals, e.g. 15.20.`);
  }
  return valid(new Big(parsed.value.amount).toFixed(GHS_DECIMALS));
}

/** Why an order of this amount at this price is outside the settings' smallest and largest order value, if it is. */
export function orderValueRefusal(amount: string, price: string, limits: OrderLimits): string | null {
  const value = new Big(amount).times(price);
  if (value.lt(limits.minOrderGhs)) return `An order must be worth at least ${formatGhs(limits.minOrderGhs)}; this one is worth ${formatGhs(roundDown(value, GHS_DECIMALS))}.`;
  if (value.gt(limits.maxOrderGhs)) return `An order may be worth at most ${formatGhs(limits.maxOrderGhs)}; this one is worth ${formatGhs(roundUp(value, GHS_DECIMALS))}.`;
  return null;
}

/** A request to place an order, checked again where it is placed (as typed, or replayed from anywhere): its clean amount and price. */
export function checkOrder(order: { amount: string; price: string }, asset: string, limits: OrderLimits): Checked<{ amount: string; price: string }> {
  const amount = parseOrderAmount(order.amount, asset);
  if (!amount.ok) return amount;
  const price = parseOrderPrice(order.price, asset);
  if (!price.ok) return price;
  const outOfLimits = orderValueRefusal(amount.value, price.value, limits);
  return outOfLimits ? invalid(outOfLimits) : valid({ amount: amount.value, price: price.value });
}

import { readSettings } from '../../db/settings.ts';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import type { Clock } from '../platform/clock.ts';
import { amountLimitRefusal } from '../wallet/requests.ts';
import { Big, CRYPTO_DECIMALS, GHS_DECIMALS, roundDown, roundUp, type AmountInput } from '../common/amounts.ts';

export const QUOTE_VALID_MS = 10 * 60_000;

export type Side = 'buy' | 'sell';

/** What a buy or sell was quoted; stored on the request it creates. Plain strings, so it can be persisted. */
export interface Quote {
  side: Side;
  asset: string;
  /** GHS per unit from the rate source. */
  marketPrice: string;
  spreadPercent: string;
  /** GHS per unit the user gets: price × (1 ± spread), rounded in the platform's favour to pesewas. */
  rate: string;
  cedisAmount: string;
  cryptoAmount: string;
  quotedAt: string;
  expiresAt: string;
}

export type QuoteResult =
  | { status: 'ok'; quote: Quote }
  | { status: 'paused'; lastPriceAt: Date | null }
  | { status: 'invalid'; reason: string };

export interface PriceSource {
  currentPrice(db?: CommonQueryMethods): Promise<{ priceGhs: string; fetchedAt: Date; stale: boolean } | null>;
}

/**
 * Prices a trade. Buy rate = price × (1 + spread), sell rate = price × (1 − spread), rounded to pesewas against
 * the user; the amount the user receives rounds down, the amount they pay rounds up.
 */
export function computeQuote(
  side: Side,
  input: AmountInput,
  market: { asset: string; priceGhs: string; spreadPercent: string },
  now: Date,
): Quote {
  const spread = new Big(market.spreadPercent).div(100);
  const rate =
    side === 'buy'
      ? roundUp(new Big(market.priceGhs).times(new Big(1).plus(spread)), GHS_DECIMALS)
      : roundDown(new Big(market.priceGhs).times(new Big(1).minus(spread)), GHS_DECIMALS);
  const amount = new Big(input.amount);
  // Buying, the user receives crypto and pays cedis; selling, the other way round.
  const receivesCrypto = side === 'buy';
  const cedis =
    input.currency === 'GHS' ? amount : receivesCrypto ? roundUp(amount.times(rate), GHS_DECIMALS) : roundDown(amount.times(rate), GHS_DECIMALS);
  let crypto = amount;
  if (input.currency === 'GHS') {
    // A sell rate under one pesewa rounds to zero: nothing can be priced in cedis then (quote() refuses it).
    if (rate.eq(0)) crypto = new Big(0);
    else crypto = receivesCrypto ? roundDown(amount.div(rate), CRYPTO_DECIMALS) : roundUp(amount.div(rate), CRYPTO_DECIMALS);
  }
  return {
    side,
    asset: market.asset,
    marketPrice: new Big(market.priceGhs).toFixed(CRYPTO_DECIMALS),
    spreadPercent: new Big(market.spreadPercent).toFixed(2),
    rate: rate.toFixed(GHS_DECIMALS),
    cedisAmount: cedis.toFixed(GHS_DECIMALS),
    cryptoAmount: crypto.toFixed(CRYPTO_DECIMALS),
    quotedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + QUOTE_VALID_MS).toISOString(),
  };
}

export interface QuoteService {
  quote(side: Side, input: AmountInput): Promise<QuoteResult>;
  isExpired(quote: Quote): boolean;
  /** The buy and sell rate of one unit at a price, with the current spread. */
  unitRates(priceGhs: string): Promise<{ buy: string; sell: string }>;
  /** What selling this much crypto would pay now, in cedis (rounded down); null while trading is paused. */
  sellValue(cryptoAmount: string): Promise<string | null>;
}

export function createQuoteService(deps: { pool: DatabasePool; prices: PriceSource; asset: string; clock: Clock }): QuoteService {
  const { pool, prices, asset, clock } = deps;
  return {
    async quote(side, input) {
      const price = await prices.currentPrice();
      if (!price || price.stale) return { status: 'paused', lastPriceAt: price?.fetchedAt ?? null };
      const settings = await readSettings(pool);
      const quote = computeQuote(side, input, { asset, priceGhs: price.priceGhs, spreadPercent: settings.spread_percent }, clock());
      if (new Big(quote.rate).eq(0)) return { status: 'invalid', reason: `The ${asset} price is below one pesewa, so it cannot be traded here.` };
      if (new Big(quote.cryptoAmount).lte(0) || new Big(quote.cedisAmount).lte(0)) {
        return { status: 'invalid', reason: 'That amount is too small to trade. Please type a larger amount.' };
      }
      const outOfLimits = amountLimitRefusal(settings, quote.cedisAmount);
      return outOfLimits ? { status: 'invalid', reason: outOfLimits } : { status: 'ok', quote };
    },
    isExpired: (quote) => clock().getTime() > Date.parse(quote.expiresAt),
    async unitRates(priceGhs) {
      const market = { asset, priceGhs, spreadPercent: (await readSettings(pool)).spread_percent };
      const one = { currency: 'CRYPTO', amount: '1' } as const;
      return { buy: computeQuote('buy', one, market, clock()).rate, sell: computeQuote('sell', one, market, clock()).rate };
    },
    async sellValue(cryptoAmount) {
      const price = await prices.currentPrice();
      if (!price || price.stale) return null;
      const market = { asset, priceGhs: price.priceGhs, spreadPercent: (await readSettings(pool)).spread_percent };
      return computeQuote('sell', { currency: 'CRYPTO', amount: cryptoAmount }, market, clock()).cedisAmount;
    },
  };
}

import { z } from 'zod';
import { Big } from '../common/amounts.ts';

/** Where live prices come from. Errors carry a short message safe to log (never the API key). */
export interface RateProvider {
  source: 'coinmarketcap' | 'coingecko';
  /** The price of 1 unit of `asset` in GHS, as a decimal string with at most 8 places. */
  fetchPriceGhs(asset: string): Promise<string>;
}

/** rates.price_ghs is DECIMAL(20, 8): 8 decimals, below 10^12. */
export const PRICE_DECIMALS = 8;
const PRICE_LIMIT = new Big('1e12');

/** A price as it can be stored (rounded to 8 places), or null when it cannot be one. */
export function storablePrice(value: Big): string | null {
  const rounded = value.round(PRICE_DECIMALS, Big.roundHalfUp);
  return rounded.gt(0) && rounded.lt(PRICE_LIMIT) ? rounded.toFixed() : null;
}

// zod 4 refuses NaN and ±Infinity here; strings are refused too, as neither API sends prices as strings.
const priceSchema = z.number().positive();

async function getJson(api: string, url: string, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    // Reading the body is under the same timeout.
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') throw new Error(`${api} did not answer within ${timeoutMs} ms`, { cause: error });
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new Error(`${api} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause: error });
  }
  if (!response.ok) throw new Error(`${api} answered HTTP ${response.status}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${api} answered with something that is not JSON`);
  }
}

function parseBody<T>(api: string, schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`${api} sent an unexpected answer (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
}

/** The float JSON.parse made prints back as the API's shortest decimal text, so big.js reads that text. */
function toPrice(api: string, value: number | undefined, asset: string): string {
  if (value === undefined) throw new Error(`${api} sent no ${asset} price`);
  const price = storablePrice(new Big(String(value)));
  if (price === null) throw new Error(`${api} sent an unusable ${asset} price: ${value}`);
  return price;
}

/**
 * CoinMarketCap's ids of the assets the desk may trade: a symbol is not unique there (several coins call themselves
 * USDT), so prices are asked for by id.
 */
export const COINMARKETCAP_IDS: Record<string, number> = { USDT: 825, USDC: 3408, BTC: 1, ETH: 1027 };

// Asked by id, CMC v2 answers one object per id.
const cmcQuotesSchema = z.object({
  data: z.record(z.string(), z.object({ id: z.number(), symbol: z.string(), quote: z.object({ GHS: z.object({ price: priceSchema }) }) })),
});

export function createCoinMarketCapProvider(options: { baseUrl: string; apiKey: string | undefined; timeoutMs?: number }): RateProvider {
  const { baseUrl, apiKey, timeoutMs = 10_000 } = options;
  return {
    source: 'coinmarketcap',
    async fetchPriceGhs(asset) {
      const id = COINMARKETCAP_IDS[asset];
      if (id === undefined) throw new Error(`CoinMarketCap has no id for ${asset}`);
      if (!apiKey) throw new Error('CMC_API_KEY is not set');
      const url = `${baseUrl}/v2/cryptocurrency/quotes/latest?id=${id}&convert=GHS`;
      const body = parseBody('CoinMarketCap', cmcQuotesSchema, await getJson('CoinMarketCap', url, { 'X-CMC_PRO_API_KEY': apiKey }, timeoutMs));
      const coin = body.data[String(id)];
      if (coin && (coin.id !== id || coin.symbol !== asset)) throw new Error(`CoinMarketCap answered for ${coin.symbol} (id ${coin.id}), not ${asset} (id ${id})`);
      return toPrice('CoinMarketCap', coin?.quote.GHS.price, asset);
    },
  };
}

const COINGECKO_IDS: Record<string, string> = { USDT: 'tether', USDC: 'usd-coin', BTC: 'bitcoin', ETH: 'ethereum' };

const geckoPriceSchema = z.record(z.string(), z.object({ ghs: priceSchema }));

export function createCoinGeckoProvider(options: { baseUrl: string; timeoutMs?: number }): RateProvider {
  const { baseUrl, timeoutMs = 10_000 } = options;
  return {
    source: 'coingecko',
    async fetchPriceGhs(asset) {
      const id = COINGECKO_IDS[asset];
      if (!id) throw new Error(`CoinGecko has no id for ${asset}`);
      const url = `${baseUrl}/api/v3/simple/price?ids=${id}&vs_currencies=ghs`;
      const body = parseBody('CoinGecko', geckoPriceSchema, await getJson('CoinGecko', url, {}, timeoutMs));
      return toPrice('CoinGecko', body[id]?.ghs, asset);
    },
  };
}

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The only CMC key the fake accepts. */
export const FAKE_CMC_API_KEY = 'fake-cmc-key-0123456789';

export type FakeRatesBehaviour = 'ok' | 'error500' | 'timeout' | 'garbage' | 'nonsense';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

const COINGECKO_ASSETS: Record<string, string> = { tether: 'USDT', 'usd-coin': 'USDC', bitcoin: 'BTC', ethereum: 'ETH' };
/** CoinMarketCap's ids of the coins the fake knows (https://coinmarketcap.com/api/documentation: use the id, not the symbol). */
const COINMARKETCAP_ASSETS: Record<string, string> = { '825': 'USDT', '3408': 'USDC', '1': 'BTC', '1027': 'ETH' };

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * CoinMarketCap and CoinGecko on loopback, so no test touches the internet. Both are asked by coin id only, as a
 * price must be: a symbol names several coins on CoinMarketCap, so the fake refuses a query by symbol.
 */
export class FakeRates {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #prices = new Map<string, number | string | null>();
  #behaviour: FakeRatesBehaviour = 'ok';

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeRates> {
    const fake: FakeRates = new FakeRates(createServer((request, response) => fake.#handle(request.url ?? '/', request.headers, response)));
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What both APIs report for an asset; null leaves the price field out. */
  setPrice(asset: string, price: number | string | null): void {
    this.#prices.set(asset, price);
  }

  respondWith(behaviour: FakeRatesBehaviour): void {
    this.#behaviour = behaviour;
  }

  async stop(): Promise<void> {
    // Requests left hanging by 'timeout' would otherwise keep close() waiting.
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #handle(path: string, headers: IncomingHttpHeaders, response: ServerResponse): void {
    this.requests.push({ path, headers });
    const url = new URL(path, 'http://fake');
    const isCmc = url.pathname === '/v2/cryptocurrency/quotes/latest';
    if (!isCmc && url.pathname !== '/api/v3/simple/price') return sendJson(response, 404, { error: 'not found' });
    if (isCmc && headers['x-cmc_pro_api_key'] !== FAKE_CMC_API_KEY) {
      return sendJson(response, 401, { status: { error_code: 1002, error_message: 'API key missing.' } });
    }
    switch (this.#behaviour) {
      case 'timeout':
        return;
      case 'error500':
        return sendJson(response, 500, { status: { error_code: 500, error_message: 'Internal error' } });
      case 'garbage':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'nonsense':
      case 'ok':
        break;
    }
    const priceOf = (asset: string): { price?: number | string } => {
      const price = this.#behaviour === 'nonsense' ? -15.2 : this.#prices.get(asset);
      return price === null || price === undefined ? {} : { price };
    };
    if (isCmc) {
      const id = url.searchParams.get('id');
      const symbol = COINMARKETCAP_ASSETS[id ?? ''];
      if (url.searchParams.has('symbol') || !symbol) {
        const error_message = id === null ? 'the fake answers by coin id only ("id"): a symbol names several coins' : `Invalid value for "id": "${id}"`;
        return sendJson(response, 400, { status: { error_code: 400, error_message } });
      }
      return sendJson(response, 200, {
        status: { error_code: 0, error_message: null },
        data: { [id ?? '']: { id: Number(id), symbol, quote: { GHS: { ...priceOf(symbol), last_updated: new Date().toISOString() } } } },
      });
    }
    const id = url.searchParams.get('ids') ?? '';
    const asset = COINGECKO_ASSETS[id];
    if (!asset) return sendJson(response, 200, {});
    const { price } = priceOf(asset);
    return sendJson(response, 200, { [id]: price === undefined ? {} : { ghs: price } });
  }
}

import type { DatabasePool } from 'slonik';
import { countUserRequests, userHistory, type HistoryRow } from '../db/requests.ts';
import { findWalletByUserId } from '../db/wallets.ts';
import { Big, GHS_DECIMALS, roundDown } from './money.ts';
import type { PriceSource, QuoteService } from './quotes.ts';

export type { HistoryRow };

export interface WalletSummary {
  cedisAvailable: string;
  cedisReserved: string;
  cryptoAvailable: string;
  cryptoReserved: string;
  /** What the available and reserved crypto would fetch at the current sell rate; null without a fresh price. */
  cryptoValueGhs: string | null;
}

export const HISTORY_PAGE_SIZE = 5;

export interface WalletService {
  summary(userId: number): Promise<WalletSummary | null>;
  history(userId: number, page: number): Promise<{ rows: readonly HistoryRow[]; page: number; pages: number }>;
}

export function createWalletService(deps: { pool: DatabasePool; prices: PriceSource; quotes: QuoteService }): WalletService {
  const { pool, prices, quotes } = deps;
  return {
    async summary(userId) {
      const wallet = await findWalletByUserId(pool, userId);
      if (!wallet) return null;
      const crypto = new Big(wallet.balance_crypto).plus(wallet.escrow_crypto);
      const price = await prices.currentPrice();
      let cryptoValueGhs: string | null = null;
      if (price && !price.stale) {
        const { sell } = await quotes.unitRates(price.priceGhs);
        cryptoValueGhs = roundDown(crypto.times(sell), GHS_DECIMALS).toFixed(GHS_DECIMALS);
      }
      return {
        cedisAvailable: wallet.balance_cedis,
        cedisReserved: wallet.escrow_balance,
        cryptoAvailable: wallet.balance_crypto,
        cryptoReserved: wallet.escrow_crypto,
        cryptoValueGhs,
      };
    },

    async history(userId, page) {
      const pages = Math.max(1, Math.ceil((await countUserRequests(pool, userId)) / HISTORY_PAGE_SIZE));
      // A page from an old or forged button is brought into range.
      const shown = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
      return { rows: await userHistory(pool, userId, { limit: HISTORY_PAGE_SIZE, offset: shown * HISTORY_PAGE_SIZE }), page: shown, pages };
    },
  };
}

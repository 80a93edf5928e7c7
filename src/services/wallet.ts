import type { DatabasePool } from 'slonik';
import { userHistory, type HistoryRow } from '../db/requests.ts';
import { findWalletByUserId } from '../db/wallets.ts';
import { Big, GHS_DECIMALS, roundDown } from './money.ts';
import type { PriceSource } from './quotes.ts';
import { computeQuote } from './quotes.ts';
import { readSettings } from '../db/settings.ts';
import type { Clock } from './clock.ts';

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

export function createWalletService(deps: { pool: DatabasePool; prices: PriceSource; asset: string; clock: Clock }): WalletService {
  const { pool, prices, asset, clock } = deps;
  return {
    async summary(userId) {
      const wallet = await findWalletByUserId(pool, userId);
      if (!wallet) return null;
      const crypto = new Big(wallet.balance_crypto).plus(wallet.escrow_crypto);
      const price = await prices.currentPrice();
      let cryptoValueGhs: string | null = null;
      if (price && !price.stale) {
        const { spread_percent: spreadPercent } = await readSettings(pool);
        const { rate } = computeQuote('sell', { currency: 'CRYPTO', amount: '1' }, { asset, priceGhs: price.priceGhs, spreadPercent }, clock());
        cryptoValueGhs = roundDown(crypto.times(rate), GHS_DECIMALS).toFixed(GHS_DECIMALS);
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
      const { rows, total } = await userHistory(pool, userId, { limit: HISTORY_PAGE_SIZE, offset: Math.max(0, page) * HISTORY_PAGE_SIZE });
      return { rows, page: Math.max(0, page), pages: Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE)) };
    },
  };
}

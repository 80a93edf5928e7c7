import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { cryptoTransactionHistory, findCryptoTransactionByReference, insertCryptoTransaction, type CryptoTransactionRow } from '../../db/cryptoTransactions.ts';
import { readSettings } from '../../db/settings.ts';
import { findWalletByUserId } from '../../db/wallets.ts';
import type { MoneyAccess } from '../accounts/moneyAccess.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { Rollback, withRollback } from '../common/rollback.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import { moveFunds } from '../wallet/ledger.ts';
import type { HistorySource } from '../wallet/history.ts';
import { reportPaymentIn } from '../wallet/payments.ts';
import { amountLimitRefusal, createOnce, withPaymentProof, type CreateResult } from '../wallet/requests.ts';
import type { PriceSource, Quote, QuoteService } from './quotes.ts';

export type { CreateResult };

/** Buys and sells in the user's /history. */
export const tradingHistory: readonly HistorySource[] = [cryptoTransactionHistory];

export interface BuyRequest {
  userId: number;
  quote: Quote;
  method: 'momo' | 'bank';
  reference: string;
  /** A screenshot of the payment, if the user sent one. */
  proof: Buffer | null;
}

export interface SellRequest {
  userId: number;
  quote: Quote;
  reference: string;
}

export interface TradingService {
  /** The crypto the user has available to sell. */
  availableCrypto(userId: number): Promise<string>;
  /**
   * A buy stored as the user is shown where to pay, at its quote: awaiting their payment, no admin card yet. The
   * quote, the limits and the price are checked now; once the user reports paying, nothing refuses it any more.
   */
  openBuy(request: Omit<BuyRequest, 'proof'>): Promise<CreateResult>;
  /** A buy the user says they have paid for, stored and reported at once: pending until an admin confirms the payment. */
  createBuy(request: BuyRequest): Promise<CreateResult>;
  /** A sell: the crypto moves from available to reserved until an admin decides. */
  createSell(request: SellRequest): Promise<CreateResult>;
}

export function createTradingService(deps: {
  pool: DatabasePool;
  access: MoneyAccess;
  quotes: QuoteService;
  media: MediaStore;
  /** The live price: a request is refused while it is stale, even with a quote that has not expired. */
  prices: PriceSource;
  clock: Clock;
}): TradingService {
  const { pool, access, quotes, media, prices, clock } = deps;

  async function create(
    side: 'buy' | 'sell',
    request: { userId: number; quote: Quote; reference: string },
    paymentMethod: 'momo' | 'bank' | 'crypto',
    /** After the insert, in its transaction: reserves a sell's crypto (false when short), reports a buy paid … */
    afterInsert: (tx: DatabaseTransactionConnection, row: CryptoTransactionRow) => Promise<boolean>,
  ): Promise<CreateResult> {
    if (request.quote.side !== side) throw new Error(`a ${request.quote.side} quote cannot create a ${side}`);
    const { quote } = request;
    return withRollback<CreateResult, CreateResult>(() =>
      createOnce(pool, request.userId, (db) => findCryptoTransactionByReference(db, request.reference), async (tx) => {
        const refusal = await access.refusal(request.userId, tx);
        if (refusal) return { status: 'refused', refusal };
        if (quotes.isExpired(quote)) return { status: 'expired' };
        // The limits and the price are checked again: either may have changed since the quote.
        const outOfLimits = amountLimitRefusal(await readSettings(tx), quote.cedisAmount);
        if (outOfLimits) return { status: 'invalid', reason: outOfLimits };
        const price = await prices.currentPrice(tx);
        if (!price || price.stale) return { status: 'invalid', reason: 'Trading is paused: our price has not updated for a while.' };
        const row = await insertCryptoTransaction(tx, {
          userId: request.userId,
          type: quote.side,
          cedisAmount: quote.cedisAmount,
          cryptoAmount: quote.cryptoAmount,
          rate: quote.rate,
          paymentMethod,
          reference: request.reference,
          marketPrice: quote.marketPrice,
          spreadPercent: quote.spreadPercent,
          quotedAt: new Date(quote.quotedAt),
          quoteExpiresAt: new Date(quote.expiresAt),
          createdAt: clock(),
        });
        if (!(await afterInsert(tx, row))) throw new Rollback<CreateResult>({ status: 'insufficient' });
        return { status: 'created', id: row.id, reference: row.reference };
      }),
    );
  }

  return {
    availableCrypto: async (userId) => (await findWalletByUserId(pool, userId))?.balance_crypto ?? '0',

    openBuy: (request) => create('buy', request, request.method, () => Promise.resolve(true)),

    createBuy(request) {
      return withPaymentProof(media, request.proof, (proof) =>
        create('buy', request, request.method, async (tx, row) => {
          await reportPaymentIn(tx, { kind: 'buy', id: row.id, userId: request.userId, at: clock(), proof });
          return true;
        }),
      );
    },

    createSell(request) {
      return create('sell', request, 'crypto', async (tx, row) => {
        const reserved = await moveFunds(tx, {
          userId: request.userId,
          changes: { crypto_available: `-${row.crypto_amount}`, crypto_reserved: row.crypto_amount },
          reason: 'sell_reserved',
          reference: { kind: 'sell', id: row.id },
        });
        if (reserved) await queueCardPost(tx, 'sell', row.id);
        return Boolean(reserved);
      });
    },
  };
}

import {
  decidePendingCryptoTransaction,
  findCryptoTransaction,
  findCryptoTransactionWithRequester,
  listPendingCryptoTransactions,
  waitingCryptoTransactions,
  type CryptoTransactionRow,
} from '../../db/cryptoTransactions.ts';
import type { CommonQueryMethods } from 'slonik';
import { readSettings } from '../../db/settings.ts';
import { findSucceededChargeOf } from '../../db/paystackCharges.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { paymentReopening, reportedOrMade } from '../wallet/approvalKinds.ts';
import { amountLimitRefusal } from '../wallet/requests.ts';
import type { Clock } from '../platform/clock.ts';
import { moveFunds } from '../wallet/ledger.ts';
import { tradingNotices } from './notices.ts';
import { computeQuote, type PriceSource } from './quotes.ts';
import { Big } from '../common/amounts.ts';

/**
 * What a buy or sell card shows: the request as quoted, and the asset it trades; for a buy, what changed since the
 * quote (it is recorded at its quote all the same, once the user has paid).
 */
export type TradeFacts = CryptoTransactionRow & { asset: string; changes?: BuyChanges; paidByPaystack?: PaystackPayment };

/** A buy paid by instant mobile money: the charge Paystack's own record confirmed for its exact amount. */
export interface PaystackPayment {
  reference: string;
  transactionId: number | null;
}

async function paystackPayment(db: CommonQueryMethods, id: number): Promise<{ paidByPaystack?: PaystackPayment }> {
  const charge = await findSucceededChargeOf(db, { kind: 'buy', id });
  return charge ? { paidByPaystack: { reference: charge.reference, transactionId: charge.provider_transaction_id } } : {};
}

export interface BuyChanges {
  /** The user reported paying after the quote's time ran out. */
  reportedAfterQuote: boolean;
  /** The settings' limits now, when the amount is outside them. */
  outsideLimits: { min: string; max: string } | null;
  /**
   * The buy rate now, while the buy waits, when it is not the quoted one: another rate, a stale price's (`since`: when
   * it was fetched), or none (`rate` null: no price at all).
   */
  priceMoved: { rate: string | null; since: Date | null } | null;
}

async function buyChanges(db: CommonQueryMethods, row: CryptoTransactionRow, market: { prices: PriceSource; asset: string; now: Date }): Promise<BuyChanges> {
  const settings = await readSettings(db);
  const reportedAfterQuote = Boolean(row.reported_paid_at && row.quote_expires_at && row.reported_paid_at > row.quote_expires_at);
  const outside = amountLimitRefusal(settings, row.cedis_amount) !== null;
  let priceMoved: BuyChanges['priceMoved'] = null;
  if (row.status === 'pending') {
    const price = await market.prices.currentPrice(db);
    const one = { currency: 'CRYPTO', amount: '1' } as const;
    const rate = price ? computeQuote('buy', one, { asset: market.asset, priceGhs: price.priceGhs, spreadPercent: settings.spread_percent }, market.now).rate : null;
    if (!price || price.stale || rate === null || !new Big(rate).eq(row.rate)) priceMoved = { rate, since: price?.stale ? price.fetchedAt : null };
  }
  return { reportedAfterQuote, outsideLimits: outside ? { min: settings.min_amount_ghs, max: settings.max_amount_ghs } : null, priceMoved };
}

/**
 * Buys (an admin confirms the payment arrived, then approval credits the crypto) and sells (the crypto is
 * reserved; approval pays the cedis, a decline releases the crypto).
 */
export function createTradeKind(type: 'buy' | 'sell', deps: { clock: Clock; asset: string; rates: PriceSource }): ApprovalKind<TradeFacts> {
  const { clock, asset } = deps;
  return {
    kind: type,
    canStartReview: false,

    async load(db, id) {
      const found = await findCryptoTransactionWithRequester(db, id, type);
      if (!found) return null;
      const { row, requester } = found;
      return {
        kind: type,
        id,
        status: row.status,
        submittedAt: reportedOrMade(row),
        requester,
        photos: row.payment_proof ? [row.payment_proof] : [],
        details: { ...row, asset, ...(type === 'buy' ? { changes: await buyChanges(db, row, { prices: deps.rates, asset, now: clock() }), ...(await paystackPayment(db, id)) } : {}) },
      };
    },

    ownerId: async (db, id) => (await findCryptoTransaction(db, id, type))?.user_id ?? null,

    waiting: waitingCryptoTransactions(type),
    listPending: async (db, ids) =>
      (await listPendingCryptoTransactions(db, type, ids)).map((row) => ({ kind: type, id: row.id, submittedAt: reportedOrMade(row), details: { ...row, asset } })),
    // Its value at the quote it was made at.
    valueGhs: (row) => row.cedis_amount,

    async approve(tx, id) {
      const row = await decidePendingCryptoTransaction(tx, id, type, { status: 'approved', decidedAt: clock() });
      if (!row) return null;
      const reference = { kind: type, id };
      const moved =
        type === 'buy'
          ? await moveFunds(tx, { userId: row.user_id, changes: { crypto_available: row.crypto_amount }, reason: 'buy_approved', reference, cryptoValueGhs: row.cedis_amount })
          : await moveFunds(tx, {
              userId: row.user_id,
              changes: { crypto_reserved: `-${row.crypto_amount}`, cedis_available: row.cedis_amount },
              reason: 'sell_approved',
              reference,
              cryptoValueGhs: row.cedis_amount,
            });
      if (!moved) throw new Error(`${type} ${id}: the reserved funds are missing`);
      return { userId: row.user_id, notice: type === 'buy' ? tradingNotices.buyApproved(row, asset) : tradingNotices.sellApproved(row) };
    },

    async decline(tx, id, _admin, reason) {
      const row = await decidePendingCryptoTransaction(tx, id, type, { status: 'declined', declineReason: reason, decidedAt: clock() });
      if (!row) return null;
      if (type === 'sell') {
        const released = await moveFunds(tx, {
          userId: row.user_id,
          changes: { crypto_reserved: `-${row.crypto_amount}`, crypto_available: row.crypto_amount },
          reason: 'sell_released',
          reference: { kind: type, id },
        });
        if (!released) throw new Error(`sell ${id}: the reserved funds are missing`);
      }
      return { userId: row.user_id, notice: type === 'buy' ? tradingNotices.buyDeclined(row, reason) : tradingNotices.sellDeclined(row, reason, asset) };
    },

    ...(type === 'buy' ? { reopen: paymentReopening('buy', clock) } : {}),
  };
}

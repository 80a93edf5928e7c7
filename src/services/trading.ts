import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import {
  cryptoTransactionSchema,
  findCryptoTransaction,
  insertCryptoTransaction,
  listPendingCryptoTransactions,
  type CryptoTransactionRow,
} from '../db/cryptoTransactions.ts';
import { decidePendingRequest } from '../db/requests.ts';
import { findUserById } from '../db/users.ts';
import type { ApprovalKind } from './approvals.ts';
import type { Clock } from './clock.ts';
import { moveFunds } from './ledger.ts';
import type { MediaStore } from './mediaStore.ts';
import { formatCrypto, formatGhs, formatPrice } from './money.ts';
import type { MoneyAccess, MoneyRefusal } from './moneyAccess.ts';
import { notifyUser } from './notifications.ts';
import type { Quote, QuoteService } from './quotes.ts';
import { Rollback, userCardFields, withPaymentProof, withRollback } from './requestCards.ts';

export type CreateResult =
  | { status: 'created'; id: number; reference: string }
  | { status: 'refused'; refusal: MoneyRefusal }
  | { status: 'expired' }
  | { status: 'insufficient' }
  | { status: 'invalid'; reason: string }
  | { status: 'invalid_image'; reason: string };

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
  /** A buy the user says they have paid for: pending until an admin confirms the payment. */
  createBuy(request: BuyRequest): Promise<CreateResult>;
  /** A sell: the crypto moves from available to reserved until an admin decides. */
  createSell(request: SellRequest): Promise<CreateResult>;
  buyKind: ApprovalKind;
  sellKind: ApprovalKind;
}

const METHOD_LABEL = { momo: 'mobile money', bank: 'bank transfer', crypto: 'in-app wallet' } as const;

export function createTradingService(deps: {
  pool: DatabasePool;
  access: MoneyAccess;
  quotes: QuoteService;
  media: MediaStore;
  clock: Clock;
  asset: string;
}): TradingService {
  const { pool, access, quotes, media, clock, asset } = deps;

  async function create(
    side: 'buy' | 'sell',
    request: { userId: number; quote: Quote; reference: string },
    details: { paymentMethod: 'momo' | 'bank' | 'crypto'; paymentProof: string | null },
    reserve: (tx: DatabaseTransactionConnection, row: CryptoTransactionRow) => Promise<boolean>,
  ): Promise<CreateResult> {
    if (request.quote.side !== side) throw new Error(`a ${request.quote.side} quote cannot create a ${side}`);
    return withRollback<CreateResult, CreateResult>(() =>
      pool.transaction(async (tx) => {
        const refusal = await access.refusal(request.userId, tx);
        if (refusal) return { status: 'refused', refusal };
        if (quotes.isExpired(request.quote)) return { status: 'expired' };
        const { quote } = request;
        const row = await insertCryptoTransaction(tx, {
          userId: request.userId,
          type: quote.side,
          cedisAmount: quote.cedisAmount,
          cryptoAmount: quote.cryptoAmount,
          rate: quote.rate,
          paymentMethod: details.paymentMethod,
          reference: request.reference,
          marketPrice: quote.marketPrice,
          spreadPercent: quote.spreadPercent,
          quotedAt: new Date(quote.quotedAt),
          quoteExpiresAt: new Date(quote.expiresAt),
          paymentProof: details.paymentProof,
          createdAt: clock(),
        });
        if (!(await reserve(tx, row))) throw new Rollback<CreateResult>({ status: 'insufficient' });
        return { status: 'created', id: row.id, reference: row.reference };
      }),
    );
  }

  function kind(type: 'buy' | 'sell'): ApprovalKind {
    const label = type === 'buy' ? 'Buy' : 'Sell';
    return {
      kind: type,
      label: `${label} of ${asset}`,
      approveLabel: 'Approve',
      approvedLabel: 'Approved',
      declineLabel: 'Decline',
      declinedLabel: 'Declined',
      canStartReview: false,
      declineReasons:
        type === 'buy'
          ? ['Payment not received', 'The amount paid does not match', 'The reference is missing from the payment', 'Suspected fraud']
          : ['The price moved too far', 'Suspected fraud', 'Account under review'],

      async card(db, id) {
        const row = await findCryptoTransaction(db, id, type);
        const user = row ? await findUserById(db, row.user_id) : null;
        if (!row || !user) return null;
        const crypto = formatCrypto(row.crypto_amount, asset);
        const cedis = formatGhs(row.cedis_amount);
        return {
          kind: type,
          id,
          title: `${label} #${id} · ${row.reference}`,
          status: row.status,
          fields: [
            ...userCardFields(user),
            ...(type === 'buy'
              ? ([
                  ['Pays', `${cedis} by ${METHOD_LABEL[row.payment_method]} with reference ${row.reference}`],
                  ['Receives', crypto],
                ] as [string, string][])
              : ([
                  ['Sells', `${crypto} (reserved from the wallet)`],
                  ['Receives', `${cedis} in the wallet`],
                ] as [string, string][])),
            ['Rate', `${formatGhs(row.rate)} per ${asset} (market ${formatPrice(row.market_price ?? row.rate)}, spread ${row.spread_percent ?? '0'}%)`],
            ['Payment proof', row.payment_proof ? 'screenshot attached' : type === 'buy' ? 'none sent: check the account' : 'not needed'],
          ],
          photos: row.payment_proof ? [row.payment_proof] : [],
          submittedAt: row.created_at,
        };
      },

      ownerId: async (db, id) => (await findCryptoTransaction(db, id, type))?.user_id ?? null,

      async listPending(db) {
        const rows = await listPendingCryptoTransactions(db, type);
        return rows.map((row) => ({
          kind: type,
          id: row.id,
          submittedAt: row.created_at,
          summary: `${label} #${row.id}: ${formatGhs(row.cedis_amount)} ${type === 'buy' ? '→' : '←'} ${formatCrypto(row.crypto_amount, asset)}`,
        }));
      },

      async approve(tx, id) {
        const row = await decidePendingRequest(tx, 'crypto_transactions', cryptoTransactionSchema, id, { status: 'approved', decidedAt: clock() }, type);
        if (!row) return false;
        const reference = { kind: type, id };
        const moved =
          type === 'buy'
            ? await moveFunds(tx, { userId: row.user_id, changes: { crypto_available: row.crypto_amount }, reason: 'buy_approved', reference })
            : await moveFunds(tx, {
                userId: row.user_id,
                changes: { crypto_reserved: `-${row.crypto_amount}`, cedis_available: row.cedis_amount },
                reason: 'sell_approved',
                reference,
              });
        if (!moved) throw new Error(`${type} ${id}: the reserved funds are missing`);
        await notifyUser(tx, {
          userId: row.user_id,
          type: type === 'buy' ? 'BUY_APPROVED' : 'SELL_APPROVED',
          title: type === 'buy' ? 'Purchase complete' : 'Sale complete',
          message:
            type === 'buy'
              ? `Your purchase ${row.reference} is complete: ${formatCrypto(row.crypto_amount, asset)} is now in your wallet.`
              : `Your sale ${row.reference} is complete: ${formatGhs(row.cedis_amount)} is now in your wallet.`,
        });
        return true;
      },

      async decline(tx, id, _admin, reason) {
        const row = await decidePendingRequest(
          tx,
          'crypto_transactions',
          cryptoTransactionSchema,
          id,
          { status: 'declined', declineReason: reason, decidedAt: clock() },
          type,
        );
        if (!row) return false;
        if (type === 'sell') {
          const released = await moveFunds(tx, {
            userId: row.user_id,
            changes: { crypto_reserved: `-${row.crypto_amount}`, crypto_available: row.crypto_amount },
            reason: 'sell_released',
            reference: { kind: type, id },
          });
          if (!released) throw new Error(`sell ${id}: the reserved funds are missing`);
        }
        await notifyUser(tx, {
          userId: row.user_id,
          type: type === 'buy' ? 'BUY_DECLINED' : 'SELL_DECLINED',
          title: type === 'buy' ? 'Purchase declined' : 'Sale declined',
          message:
            type === 'buy'
              ? `Your purchase ${row.reference} was declined. Reason: ${reason}. If you have paid, contact support with the reference.`
              : `Your sale ${row.reference} was declined. Reason: ${reason}. Your ${formatCrypto(row.crypto_amount, asset)} is available again.`,
        });
        return true;
      },
    };
  }

  return {
    createBuy(request) {
      return withPaymentProof(media, request.proof, (proof) =>
        create('buy', request, { paymentMethod: request.method, paymentProof: proof }, () => Promise.resolve(true)),
      );
    },

    createSell(request) {
      return create('sell', request, { paymentMethod: 'crypto', paymentProof: null }, async (tx, row) =>
        Boolean(
          await moveFunds(tx, {
            userId: request.userId,
            changes: { crypto_available: `-${row.crypto_amount}`, crypto_reserved: row.crypto_amount },
            reason: 'sell_reserved',
            reference: { kind: 'sell', id: row.id },
          }),
        ),
      );
    },

    buyKind: kind('buy'),
    sellKind: kind('sell'),
  };
}

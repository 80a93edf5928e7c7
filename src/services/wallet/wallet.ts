import type { DatabasePool } from 'slonik';
import { depositHistory, findDepositByReference, insertDeposit } from '../../db/cashDeposits.ts';
import { findWithdrawalByReference, insertWithdrawal, withdrawalHistory, type PayoutDetails } from '../../db/cashWithdrawals.ts';
import { cryptoDepositHistory } from '../../db/cryptoDeposits.ts';
import { cryptoWithdrawalHistory } from '../../db/cryptoWithdrawals.ts';
import { readSettings } from '../../db/settings.ts';
import { findWalletByUserId } from '../../db/wallets.ts';
import type { MoneyAccess } from '../accounts/moneyAccess.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { Big, GHS_DECIMALS, parseAmount, roundDown } from '../common/amounts.ts';
import { Rollback, withRollback } from '../common/rollback.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import type { PriceSource, QuoteService } from '../trading/quotes.ts';
import type { HistorySource } from './history.ts';
import { moveFunds } from './ledger.ts';
import { reportPaymentIn } from './payments.ts';
import { amountLimitRefusal, createOnce, withPaymentProof, type CreateResult } from './requests.ts';

/** Deposits and withdrawals, cash and crypto, in the user's /history. */
export const walletHistory: readonly HistorySource[] = [depositHistory, withdrawalHistory, cryptoWithdrawalHistory, cryptoDepositHistory];

export interface WalletSummary {
  cedisAvailable: string;
  cedisReserved: string;
  cryptoAvailable: string;
  cryptoReserved: string;
  /** What the available and reserved crypto would fetch at the current sell rate; null without a fresh price. */
  cryptoValueGhs: string | null;
}

export interface DepositRequest {
  userId: number;
  amount: string;
  method: 'momo' | 'bank';
  reference: string;
  proof: Buffer | null;
}

export interface WithdrawalRequest {
  userId: number;
  amount: string;
  payout: PayoutDetails;
  reference: string;
}

export interface WalletService {
  summary(userId: number): Promise<WalletSummary | null>;
  /** A cedi amount as typed, within the limits. */
  checkAmount(text: string): Promise<Checked<string>>;
  /** A deposit stored as the user is shown where to pay: awaiting their payment, no admin card yet. */
  openDeposit(request: Omit<DepositRequest, 'proof'>): Promise<CreateResult>;
  /** A deposit the user says they have paid, stored and reported at once (its card queued). */
  createDeposit(request: DepositRequest): Promise<CreateResult>;
  /** The amount moves from available to reserved cedis until an admin has paid it out (or declines). */
  createWithdrawal(request: WithdrawalRequest): Promise<CreateResult>;
}

export function createWalletService(deps: {
  pool: DatabasePool;
  access: MoneyAccess;
  media: MediaStore;
  prices: PriceSource;
  quotes: QuoteService;
  clock: Clock;
  asset: string;
}): WalletService {
  const { pool, access, media, prices, quotes, clock, asset } = deps;

  /** Stores the deposit awaiting payment, or with `reported` already reported paid (with its screenshot's path). */
  function openDeposit(request: Omit<DepositRequest, 'proof'>, reported: { proof: string | null } | null): Promise<CreateResult> {
    return createOnce(pool, request.userId, (db) => findDepositByReference(db, request.reference), async (tx): Promise<CreateResult> => {
      const refusal = await access.refusal(request.userId, tx);
      if (refusal) return { status: 'refused', refusal };
      const outOfLimits = amountLimitRefusal(await readSettings(tx), request.amount);
      if (outOfLimits) return { status: 'invalid', reason: outOfLimits };
      const row = await insertDeposit(tx, { ...request, createdAt: clock() });
      if (reported) await reportPaymentIn(tx, { kind: 'deposit', id: row.id, userId: request.userId, at: clock(), proof: reported.proof });
      return { status: 'created', id: row.id, reference: row.reference };
    });
  }

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

    async checkAmount(text) {
      const parsed = parseAmount(text, asset);
      if (!parsed.ok) return parsed;
      if (parsed.value.currency !== 'GHS') return invalid('Deposits and withdrawals are in cedis only. Type the amount in cedis, e.g. 250 or GHS 250.');
      const outOfLimits = amountLimitRefusal(await readSettings(pool), parsed.value.amount);
      return outOfLimits ? invalid(outOfLimits) : valid(parsed.value.amount);
    },

    openDeposit: (request) => openDeposit(request, null),

    createDeposit(request) {
      return withPaymentProof(media, request.proof, (proof) => openDeposit(request, { proof }));
    },

    createWithdrawal(request) {
      return withRollback<CreateResult, CreateResult>(() =>
        createOnce(pool, request.userId, (db) => findWithdrawalByReference(db, request.reference), async (tx) => {
          const refusal = await access.refusal(request.userId, tx);
          if (refusal) return { status: 'refused', refusal };
          const outOfLimits = amountLimitRefusal(await readSettings(tx), request.amount);
          if (outOfLimits) return { status: 'invalid', reason: outOfLimits };
          const row = await insertWithdrawal(tx, { ...request, createdAt: clock() });
          const reserved = await moveFunds(tx, {
            userId: request.userId,
            changes: { cedis_available: `-${row.amount}`, cedis_reserved: row.amount },
            reason: 'withdrawal_reserved',
            reference: { kind: 'withdrawal', id: row.id },
          });
          if (!reserved) throw new Rollback<CreateResult>({ status: 'insufficient' });
          await queueCardPost(tx, 'withdrawal', row.id);
          return { status: 'created', id: row.id, reference: row.reference };
        }),
      );
    },
  };
}

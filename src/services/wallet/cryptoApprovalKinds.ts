import Big from 'big.js';
import type { CommonQueryMethods } from 'slonik';
import {
  cryptoWithdrawalClaims,
  declineUnclaimedCryptoWithdrawal,
  findCryptoWithdrawal,
  findCryptoWithdrawalWithRequester,
  listPendingCryptoWithdrawals,
  lockTransactionHash,
  networksPaidWithHash,
  payClaimedCryptoWithdrawal,
  recentCryptoWithdrawals,
  waitingCryptoWithdrawals,
  type CryptoWithdrawalRow,
} from '../../db/cryptoWithdrawals.ts';
import {
  approveCryptoDeposit,
  declineCryptoDeposit,
  depositsWithHash,
  findCryptoDeposit,
  findCryptoDepositWithRequester,
  listPendingCryptoDeposits,
  waitingCryptoDeposits,
  type CryptoDepositRow,
} from '../../db/cryptoDeposits.ts';
import { insertPlatformLedgerEntry } from '../../db/platformLedgerEntries.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { formatCrypto } from '../common/amounts.ts';
import { invalid } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { isCryptoNetwork } from './cryptoNetworks.ts';
import { checkPaidHash, valueAtDeskRate } from './cryptoWallet.ts';
import type { PriceSource } from '../trading/quotes.ts';
import { checkAssetAmount } from './cryptoNetworkSettings.ts';
import { moveFunds } from './ledger.ts';
import { cryptoNotices } from './notices.ts';

/** How many of the user's earlier crypto withdrawals a card shows beside the request. */
const RECENT_SHOWN = 3;

/**
 * What an approval of crypto moves, for the second-approval threshold: its value at the desk's current sell rate, read
 * when the approval is decided; null without a fresh price (the request then needs two admins, the safe side).
 */
async function valueForFourEyes(db: CommonQueryMethods, prices: PriceSource, row: { asset: string; amount: string }, now: Date): Promise<string | null> {
  const value = await valueAtDeskRate(db, prices, { asset: row.asset, amount: row.amount, side: 'sell' }, now);
  return value && !value.stale ? value.valueGhs : null;
}

export interface CryptoWithdrawalFacts extends CryptoWithdrawalRow {
  /** The user's latest earlier crypto withdrawals, newest first. */
  recent: readonly CryptoWithdrawalRow[];
}

/**
 * Crypto withdrawals, a payout: one admin claims it, sends the amount from the desk's wallet, then Paid (with the
 * transaction hash) takes amount + fee from the reserve and puts the fee in the desk's crypto fee account; a
 * decline, of an unclaimed one only, releases both.
 */
export function createCryptoWithdrawalKind(clock: Clock, prices: PriceSource): ApprovalKind<CryptoWithdrawalFacts> {
  const withRecent = (row: CryptoWithdrawalRow): CryptoWithdrawalFacts => ({ ...row, recent: [] });
  return {
    kind: 'crypto_withdrawal',
    canStartReview: false,
    async load(db, id) {
      const found = await findCryptoWithdrawalWithRequester(db, id);
      if (!found) return null;
      const { row, requester } = found;
      const recent = await recentCryptoWithdrawals(db, row.user_id, id, RECENT_SHOWN);
      const claim =
        row.claimed_by_telegram_id !== null && row.claimed_by_name !== null && row.claimed_at !== null
          ? { claim: { adminTelegramId: row.claimed_by_telegram_id, by: row.claimed_by_name, at: row.claimed_at } }
          : {};
      return { kind: 'crypto_withdrawal', id, status: row.status, submittedAt: row.created_at, requester, photos: [], details: { ...row, recent }, ...claim };
    },
    ownerId: async (db, id) => (await findCryptoWithdrawal(db, id))?.user_id ?? null,
    waiting: waitingCryptoWithdrawals,
    listPending: async (db, ids) =>
      (await listPendingCryptoWithdrawals(db, ids)).map((row) => ({ kind: 'crypto_withdrawal', id: row.id, submittedAt: row.created_at, details: withRecent(row) })),
    payoutClaims: cryptoWithdrawalClaims,
    valueGhs: (row, db) => valueForFourEyes(db, prices, row, clock()),
    async checkPayoutReference(db, id, text) {
      const row = await findCryptoWithdrawal(db, id);
      return row ? checkPaidHash(db, row.network, text) : invalid('This withdrawal no longer exists.');
    },
    async approve(tx, id, admin, txHash) {
      if (txHash === undefined) throw new Error(`crypto withdrawal ${id}: Paid needs the transaction hash`);
      const pending = await findCryptoWithdrawal(tx, id);
      if (!pending || !isCryptoNetwork(pending.network)) return null;
      const hash = await checkPaidHash(tx, pending.network, txHash);
      if (!hash.ok) return null;
      const row = await payClaimedCryptoWithdrawal(tx, id, { claimer: admin.telegramId, txHash: hash.value, decidedAt: clock() });
      if (!row) return null;
      const reference = { kind: 'crypto_withdrawal', id };
      const total = new Big(row.amount).plus(row.fee).toFixed();
      // Crypto leaves the wallet without a price: at its average cost, realising nothing (DESIGN's profit rule).
      const paid = await moveFunds(tx, { userId: row.user_id, changes: { crypto_reserved: `-${total}` }, reason: 'crypto_withdrawal_sent', reference, cryptoValueGhs: null });
      if (!paid) throw new Error(`crypto withdrawal ${id}: the reserved funds are missing`);
      if (new Big(row.fee).gt(0)) {
        await insertPlatformLedgerEntry(tx, { account: 'fees_crypto', amount: row.fee, reason: 'crypto_withdrawal_fee', referenceKind: 'crypto_withdrawal', referenceId: id });
      }
      return { userId: row.user_id, notice: cryptoNotices.withdrawalSent(row, pending.network) };
    },
    async decline(tx, id, _admin, reason) {
      const row = await declineUnclaimedCryptoWithdrawal(tx, id, { declineReason: reason, decidedAt: clock() });
      if (!row) return null;
      const total = new Big(row.amount).plus(row.fee).toFixed();
      const released = await moveFunds(tx, {
        userId: row.user_id,
        changes: { crypto_reserved: `-${total}`, crypto_available: total },
        reason: 'crypto_withdrawal_released',
        reference: { kind: 'crypto_withdrawal', id },
      });
      if (!released) throw new Error(`crypto withdrawal ${id}: the reserved funds are missing`);
      return { userId: row.user_id, notice: cryptoNotices.withdrawalDeclined(row, reason) };
    },
  };
}

export interface CryptoDepositFacts extends CryptoDepositRow {
  /** Other users' deposits (declined ones aside) that recorded the same transaction: a batch, or a hash copied. */
  sharedWith: readonly Pick<CryptoDepositRow, 'id' | 'reference' | 'status' | 'user_id'>[];
}

async function withSharers(db: CommonQueryMethods, row: CryptoDepositRow): Promise<CryptoDepositFacts> {
  const sharedWith = (await depositsWithHash(db, row.network, row.tx_hash))
    .filter((other) => other.id !== row.id)
    .map(({ id, reference, status, user_id }) => ({ id, reference, status, user_id }));
  return { ...row, sharedWith };
}

/**
 * Deposits from the user's own wallet: an admin checks the transaction on the explorer, then approval credits the
 * amount they confirm (what arrived), at the desk's buy rate of that moment for the user's position. A transaction
 * another deposit recorded is credited again only when the admin confirms it is a batch.
 */
export function createCryptoDepositKind(clock: Clock, prices: PriceSource, asset: string): ApprovalKind<CryptoDepositFacts> {
  return {
    kind: 'crypto_deposit',
    canStartReview: false,
    async load(db, id) {
      const found = await findCryptoDepositWithRequester(db, id);
      if (!found) return null;
      const { row, requester } = found;
      return { kind: 'crypto_deposit', id, status: row.status, submittedAt: row.created_at, requester, photos: [], details: await withSharers(db, row) };
    },
    ownerId: async (db, id) => (await findCryptoDeposit(db, id))?.user_id ?? null,
    waiting: waitingCryptoDeposits,
    listPending: async (db, ids) =>
      (await listPendingCryptoDeposits(db, ids)).map((row) => ({ kind: 'crypto_deposit', id: row.id, submittedAt: row.created_at, details: { ...row, sharedWith: [] } })),
    valueGhs: (row, db) => valueForFourEyes(db, prices, row, clock()),
    amountConfirmation: {
      async facts(db, id) {
        const row = await findCryptoDeposit(db, id);
        if (!row) return null;
        const { sharedWith } = await withSharers(db, row);
        return { stated: row.amount, unit: row.asset, sharedWith: sharedWith.filter((other) => other.status === 'approved').map((other) => other.reference) };
      },
      check: (text, facts) => {
        const amount = checkAssetAmount(text, asset, false);
        if (!amount.ok || !new Big(amount.value).gt(facts.stated)) return amount;
        return invalid(`That is more than the user stated (${formatCrypto(facts.stated, asset)}): credit at most that. If more arrived, decline it and ask them to report the deposit again with the amount they sent.`);
      },
    },
    async approve(tx, id, _admin, _payoutReference, confirmation) {
      if (!confirmation) throw new Error(`crypto deposit ${id}: approval needs the amount confirmed`);
      const pending = await findCryptoDeposit(tx, id);
      if (!pending) return null;
      // The transaction's lock: two deposits of one hash are approved one after the other, each seeing the other.
      await lockTransactionHash(tx, pending.tx_hash);
      // Recorded as one of the desk's payouts (on any network) since it was reported: never credited as a deposit.
      if ((await networksPaidWithHash(tx, pending.tx_hash)).length > 0) return null;
      const credited = (await depositsWithHash(tx, pending.network, pending.tx_hash)).some((other) => other.id !== id && other.status === 'approved');
      if (credited && !confirmation.batch) return null;
      const amount = checkAssetAmount(confirmation.amount, asset, false);
      // Never more than the user stated: the approvals it needed were counted from that amount's value.
      if (!amount.ok || new Big(amount.value).gt(pending.amount)) return null;
      // It enters the user's position at what a buy of it would cost now; without any price, at no cost.
      const value = (await valueAtDeskRate(tx, prices, { asset, amount: amount.value, side: 'buy' }, clock()))?.valueGhs ?? null;
      const row = await approveCryptoDeposit(tx, id, { creditedAmount: amount.value, creditedValueGhs: value, batchConfirmed: credited, decidedAt: clock() });
      if (!row) return null;
      const moved = await moveFunds(tx, {
        userId: row.user_id,
        changes: { crypto_available: amount.value },
        reason: 'crypto_deposit_approved',
        reference: { kind: 'crypto_deposit', id },
        cryptoValueGhs: value,
      });
      if (!moved) throw new Error(`crypto deposit ${id}: the user's wallet is missing`);
      return { userId: row.user_id, notice: cryptoNotices.depositCredited(row) };
    },
    async decline(tx, id, _admin, reason) {
      const row = await declineCryptoDeposit(tx, id, { declineReason: reason, decidedAt: clock() });
      return row ? { userId: row.user_id, notice: cryptoNotices.depositDeclined(row, reason) } : null;
    },
  };
}

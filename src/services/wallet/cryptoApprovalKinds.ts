import Big from 'big.js';
import {
  cryptoWithdrawalClaims,
  declineUnclaimedCryptoWithdrawal,
  findCryptoWithdrawal,
  findCryptoWithdrawalWithRequester,
  listPendingCryptoWithdrawals,
  payClaimedCryptoWithdrawal,
  recentCryptoWithdrawals,
  waitingCryptoWithdrawals,
  type CryptoWithdrawalRow,
} from '../../db/cryptoWithdrawals.ts';
import { insertPlatformLedgerEntry } from '../../db/platformLedgerEntries.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { invalid } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { isCryptoNetwork } from './cryptoNetworks.ts';
import { checkPaidHash } from './cryptoWallet.ts';
import { moveFunds } from './ledger.ts';
import { cryptoNotices } from './notices.ts';

/** How many of the user's earlier crypto withdrawals a card shows beside the request. */
const RECENT_SHOWN = 3;

export interface CryptoWithdrawalFacts extends CryptoWithdrawalRow {
  /** The user's latest earlier crypto withdrawals, newest first. */
  recent: readonly CryptoWithdrawalRow[];
}

/**
 * Crypto withdrawals, a payout: one admin claims it, sends the amount from the desk's wallet, then Paid (with the
 * transaction hash) takes amount + fee from the reserve and puts the fee in the desk's crypto fee account; a
 * decline, of an unclaimed one only, releases both.
 */
export function createCryptoWithdrawalKind(clock: Clock): ApprovalKind<CryptoWithdrawalFacts> {
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
    valueGhs: (row) => row.value_ghs,
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

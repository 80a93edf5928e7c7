import { decidePendingDeposit, findDeposit, findDepositWithRequester, listPendingDeposits, waitingDeposits, type DepositRow } from '../../db/cashDeposits.ts';
import {
  declineUnclaimedWithdrawal,
  findWithdrawal,
  findWithdrawalWithRequester,
  listPendingWithdrawals,
  payClaimedWithdrawal,
  waitingWithdrawals,
  withdrawalClaims,
  type WithdrawalRow,
} from '../../db/cashWithdrawals.ts';
import { latestTransferOf, lockWithdrawalClaim, lockWithdrawalWithOpenTransfer, stopTransferWaitingForOtp, type TransferRow } from '../../db/paystackTransfers.ts';
import type { PayoutClaimStatements } from '../../db/payoutClaims.ts';
import { findPaymentRequestByReference, reopenDeclined, type PaymentKind } from '../../db/paymentRequests.ts';
import type { ApprovalKind, Reopening } from '../approvals/approvalKind.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import type { Clock } from '../platform/clock.ts';
import { moveFunds } from './ledger.ts';
import { paymentNotices, walletNotices } from './notices.ts';

export type DepositFacts = DepositRow;
export type WithdrawalFacts = WithdrawalRow & { paystack?: PaystackPayoutFacts };

/** A withdrawal's payout with Paystack (present when Paystack is on: a wallet or a bank, a bank Paystack does not list is found at the send): its latest transfer. */
export interface PaystackPayoutFacts {
  transfer: Pick<TransferRow, 'reference' | 'status' | 'failure_reason' | 'transfer_code' | 'sent_by_name'> | null;
}

/** A request the user pays outside the bot waits for an admin from when they reported paying it. */
export function reportedOrMade(row: { reported_paid_at: Date | null; created_at: Date }): Date {
  return row.reported_paid_at ?? row.created_at;
}

/** Re-opening a declined or expired buy or deposit (the money came after all): pending again, the user told. */
export function paymentReopening(kind: PaymentKind, clock: Clock): Reopening {
  return {
    idByReference: async (db, reference) => {
      const found = await findPaymentRequestByReference(db, reference);
      return found?.kind === kind ? found.id : null;
    },
    async apply(tx, id, reason) {
      const row = await reopenDeclined(tx, kind, id, clock());
      if (!row) return null;
      // A request that expired before it was reported never had a card: it gets one (a post finds a card posted).
      await queueCardPost(tx, kind, id);
      return { userId: row.user_id, notice: paymentNotices.reopened(row, reason) };
    },
  };
}

/** Deposits: an admin checks the payment arrived, then approval credits the cedis. */
export function createDepositKind(clock: Clock): ApprovalKind<DepositFacts> {
  return {
    kind: 'deposit',
    canStartReview: false,
    async load(db, id) {
      const found = await findDepositWithRequester(db, id);
      if (!found) return null;
      const { row, requester } = found;
      return { kind: 'deposit', id, status: row.status, submittedAt: reportedOrMade(row), requester, photos: row.payment_proof ? [row.payment_proof] : [], details: row };
    },
    ownerId: async (db, id) => (await findDeposit(db, id))?.user_id ?? null,
    waiting: waitingDeposits,
    listPending: async (db, ids) => (await listPendingDeposits(db, ids)).map((row) => ({ kind: 'deposit', id: row.id, submittedAt: reportedOrMade(row), details: row })),
    valueGhs: (row) => row.amount,
    async approve(tx, id) {
      const row = await decidePendingDeposit(tx, id, { status: 'approved', decidedAt: clock() });
      if (!row) return null;
      const credited = await moveFunds(tx, { userId: row.user_id, changes: { cedis_available: row.amount }, reason: 'deposit_approved', reference: { kind: 'deposit', id } });
      if (!credited) throw new Error(`deposit ${id}: the user's wallet is missing`);
      return { userId: row.user_id, notice: walletNotices.depositApproved(row) };
    },
    async decline(tx, id, _admin, reason) {
      const row = await decidePendingDeposit(tx, id, { status: 'declined', declineReason: reason, decidedAt: clock() });
      if (!row) return null;
      return { userId: row.user_id, notice: walletNotices.depositDeclined(row, reason) };
    },
    reopen: paymentReopening('deposit', clock),
  };
}

/**
 * With Paystack on, a claim cannot be released or taken over while a transfer sent with Paystack is open: whoever took
 * it could pay the money out a second time. The transfer's outcome releases it (failed) or pays it (succeeded). One
 * waiting for an OTP (OTP finalisation left on in the dashboard) has sent nothing: its claimer may release it, which
 * stops the transfer; were it finalised in the dashboard after all, Paystack's success is flagged to the admins.
 */
function claimsHeldWhileSending(clock: Clock): PayoutClaimStatements {
  return {
    ...withdrawalClaims,
    async release(db, id, holder) {
      const open = await lockWithdrawalWithOpenTransfer(db, id);
      if (!open) return withdrawalClaims.release(db, id, holder);
      // Only the holder stops it, and only while it still waits for its OTP (both read under the row's lock).
      if (open.status !== 'otp' || (await lockWithdrawalClaim(db, id)) !== holder) return false;
      return (await stopTransferWaitingForOtp(db, open.id, clock())) !== null && withdrawalClaims.release(db, id, holder);
    },
    takeOver: async (db, id, admin, from, at) => ((await lockWithdrawalWithOpenTransfer(db, id)) ? null : withdrawalClaims.takeOver(db, id, admin, from, at)),
  };
}

/**
 * Withdrawals, a payout: one admin claims it ("I'm paying this"), pays it out, then approval ("Paid", with the MoMo
 * transaction id or bank reference) takes the reserved cedis; a decline, of an unclaimed one only, releases them.
 */
export function createWithdrawalKind(clock: Clock, paystackOn = false): ApprovalKind<WithdrawalFacts> {
  return {
    kind: 'withdrawal',
    canStartReview: false,
    async load(db, id) {
      const found = await findWithdrawalWithRequester(db, id);
      if (!found) return null;
      const { row, requester } = found;
      const claim =
        row.claimed_by_telegram_id !== null && row.claimed_by_name !== null && row.claimed_at !== null
          ? { claim: { adminTelegramId: row.claimed_by_telegram_id, by: row.claimed_by_name, at: row.claimed_at } }
          : {};
      const paystack = paystackOn ? { paystack: { transfer: await latestTransferOf(db, id) } } : {};
      return { kind: 'withdrawal', id, status: row.status, submittedAt: row.created_at, requester, photos: [], details: { ...row, ...paystack }, ...claim };
    },
    ownerId: async (db, id) => (await findWithdrawal(db, id))?.user_id ?? null,
    waiting: waitingWithdrawals,
    listPending: async (db, ids) =>
      (await listPendingWithdrawals(db, ids)).map((row) => ({ kind: 'withdrawal', id: row.id, submittedAt: row.created_at, details: row })),
    payoutClaims: paystackOn ? claimsHeldWhileSending(clock) : withdrawalClaims,
    valueGhs: (row) => row.amount,
    async approve(tx, id, admin, payoutReference) {
      if (payoutReference === undefined) throw new Error(`withdrawal ${id}: Paid needs the payout reference`);
      // While Paystack is sending it, only Paystack's confirmation pays it (its transfer settled first): paid by hand
      // as well, the user would get it twice.
      if (paystackOn && (await lockWithdrawalWithOpenTransfer(tx, id))) return null;
      const row = await payClaimedWithdrawal(tx, id, { claimer: admin.telegramId, payoutReference, decidedAt: clock() });
      if (!row) return null;
      const reference = { kind: 'withdrawal', id };
      const paid = await moveFunds(tx, { userId: row.user_id, changes: { cedis_reserved: `-${row.amount}` }, reason: 'withdrawal_paid', reference });
      if (!paid) throw new Error(`withdrawal ${id}: the reserved funds are missing`);
      return { userId: row.user_id, notice: walletNotices.withdrawalPaid(row) };
    },
    async decline(tx, id, _admin, reason) {
      const row = await declineUnclaimedWithdrawal(tx, id, { declineReason: reason, decidedAt: clock() });
      if (!row) return null;
      const released = await moveFunds(tx, {
        userId: row.user_id,
        changes: { cedis_reserved: `-${row.amount}`, cedis_available: row.amount },
        reason: 'withdrawal_released',
        reference: { kind: 'withdrawal', id },
      });
      if (!released) throw new Error(`withdrawal ${id}: the reserved funds are missing`);
      return { userId: row.user_id, notice: walletNotices.withdrawalDeclined(row, reason) };
    },
  };
}

import { UniqueIntegrityConstraintViolationError, type DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { findWithdrawal, withdrawalClaims, type WithdrawalRow } from '../../db/cashWithdrawals.ts';
import {
  countTransfersOf,
  findOpenTransferOf,
  findRecipient,
  findRecipientByCode,
  latestTransferOf,
  findTransferByReference,
  insertRecipient,
  insertTransfer,
  flagPaidAfterFailure,
  listOpenTransfersToCheck,
  lockWithdrawalClaim,
  markTransferChecked,
  recipientCodeOf,
  reverseTransfer,
  markRecipientRefused,
  type RecipientDestination,
  type RecipientRow,
  setTransferProgress,
  settleTransfer,
  type TransferRow,
} from '../../db/paystackTransfers.ts';
import type { Logger } from '../../logger.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { approveAsSystem } from '../approvals/approvals.ts';
import { cardRefreshWrite } from '../approvals/cardQueue.ts';
import { insertCardDelivery } from '../../db/cardDeliveries.ts';
import { fromPesewas, toPesewas } from '../common/amounts.ts';
import { Rollback } from '../common/rollback.ts';
import type { Clock } from '../platform/clock.ts';
import { isNotFound, PAYSTACK_ACTOR, UNCONFIRMED_AFTER_MS, type ListedBank, type PaystackClient, type PaystackFailure, type PaystackResult, type TransferRecord } from './client.ts';
import { matchBank } from './banks.ts';
import { reopenReturnedWithdrawal } from '../wallet/returnedPayouts.ts';

/** Where a payout sent with Paystack stands, as the admin who sent it is told and its card shows. */
export type PayoutProgress =
  /** reversed: paid, then returned (the withdrawal is claimable again); needs_review: for the admins (see TransferRow). */
  | { status: 'pending' | 'otp' | 'started' | 'succeeded' | 'reversed' | 'needs_review'; transfer: TransferRow }
  | { status: 'failed'; transfer: TransferRow | null; reason: string }
  /** The tapper does not hold the claim (any more), or the withdrawal is decided. */
  | { status: 'not_claimed' }
  /** A bank payout to a bank Paystack lists under no such name, or under several: pay it by hand. */
  | { status: 'bank_unknown'; bankName: string; several: boolean };

export const TRANSFER_EVENTS = ['transfer.success', 'transfer.failed', 'transfer.reversed'] as const;
export type TransferEvent = (typeof TRANSFER_EVENTS)[number];

/** Transfer statuses after which Paystack sends nothing (as its documentation lists them). */
const FAILED_TRANSFER_STATUSES = new Set(['failed', 'reversed', 'abandoned', 'blocked', 'rejected']);

export interface PaystackPayouts {
  /** Sends a claimed withdrawal (mobile money, or a bank Paystack lists) with Paystack: its recipient (made once per destination), then a transfer under a new reference. */
  send(withdrawalId: number, admin: { telegramId: number }): Promise<PayoutProgress>;
  /**
   * A transfer event for this reference: settled from Paystack's own record, also a transfer settled before that the
   * event says changed (reversed after success, paid after failure). Null when the reference is not ours.
   */
  settleByReference(reference: string, event: TransferEvent): Promise<PayoutProgress | null>;
  /** Verifies the transfers sent before `before` with no outcome yet (a webhook that never came); how many were settled. */
  settleOpenBefore(before: Date, limit: number): Promise<number>;
}


/** How long Paystack's list of Ghana's banks is used before it is asked for again. */
const BANK_LIST_TTL_MS = 60 * 60_000;

/**
 * Paystack refuses a transfer to a recipient it no longer knows (deleted, or made under another key) with this code
 * and message (as third-party code quotes it; never checked live).
 */
function recipientRefused(answer: PaystackFailure): boolean {
  return answer.kind === 'refused' && (answer.code === 'invalid_transfer_recipient' || /recipient specified is invalid/i.test(answer.message));
}

function progressOf(transfer: TransferRow): PayoutProgress {
  return transfer.status === 'failed' ? { status: 'failed', transfer, reason: transfer.failure_reason ?? 'the transfer failed' } : { status: transfer.status, transfer };
}

/** Why Paystack's record of a transfer is not the payout's, or null when it is. */
function recordMismatch(transfer: TransferRow, record: TransferRecord): string | null {
  if (record.reference !== transfer.reference) return `Paystack answered for another reference (${record.reference})`;
  if (record.currency !== 'GHS' || record.amount !== transfer.amount_pesewas) {
    return `Paystack's record is for ${record.currency} ${fromPesewas(record.amount)}, the payout is GHS ${fromPesewas(transfer.amount_pesewas)}`;
  }
  return null;
}

function reasonOf(record: TransferRecord): string {
  return record.gateway_response?.trim() || failureText(record.failures) || `the transfer ${record.status}`;
}

/**
 * Payouts with Paystack, under the claims of the money-boundary issue: the admin who taps Send with Paystack holds the
 * claim; a success, verified, pays the withdrawal in their name with Paystack's transfer code as the payout reference
 * (the user is told it); a failure or reversal settles the transfer and releases the claim with the reason, so the card
 * is claimable again and nothing moved in the ledger.
 */
export function createPaystackPayouts(deps: { pool: DatabasePool; clock: Clock; logger: Logger; client: PaystackClient; withdrawalKind: ApprovalKind }): PaystackPayouts {
  const { pool, clock, client } = deps;

  /** A guarded update found the transfer changed meanwhile (another instance, a Release, an event): settled from its row now. */
  async function settledMeanwhile(transfer: TransferRow, event: TransferEvent | undefined): Promise<PayoutProgress> {
    const fresh = await findTransferByReference(pool, transfer.reference);
    if (!fresh) throw new Error(`transfer ${transfer.reference} is missing`);
    return settle(fresh, event);
  }

  async function released(transfer: TransferRow, reason: string, transferCode: string | null, event?: TransferEvent): Promise<PayoutProgress> {
    const settled = await pool.transaction(async (tx) => {
      const row = await settleTransfer(tx, transfer.id, { status: 'failed', failureReason: reason, transferCode, at: clock() });
      if (!row) return null;
      const withdrawal = await findWithdrawal(tx, row.withdrawal_id);
      const holder = withdrawal?.claimed_by_telegram_id ?? null;
      if (holder !== null && (await withdrawalClaims.release(tx, row.withdrawal_id, holder))) {
        const admin = { telegramId: holder, userId: null, name: `${withdrawal?.claimed_by_name ?? row.sent_by_name} (Paystack)` };
        await insertAuditEntry(tx, { subjectKind: 'withdrawal', subjectId: row.withdrawal_id, action: 'release', admin, reason: `Paystack transfer ${row.reference} failed: ${reason}` }, [
          cardRefreshWrite('withdrawal', row.withdrawal_id),
        ]);
      }
      return row;
    });
    return settled ? { status: 'failed', transfer: settled, reason } : settledMeanwhile(transfer, event);
  }

  async function paid(transfer: TransferRow, record: TransferRecord, event: TransferEvent | undefined): Promise<PayoutProgress> {
    const payoutReference = record.transfer_code ?? transfer.reference;
    const settled = await pool.transaction(async (tx) => {
      const row = await settleTransfer(tx, transfer.id, { status: 'succeeded', failureReason: null, transferCode: record.transfer_code ?? null, at: clock() });
      if (!row) return null;
      const withdrawal = await findWithdrawal(tx, row.withdrawal_id);
      const holder = withdrawal?.claimed_by_telegram_id;
      if (holder == null) throw new Error(`withdrawal ${row.withdrawal_id}: Paystack paid it, but nobody holds its claim`);
      const actor = { telegramId: holder, userId: null, name: `${withdrawal?.claimed_by_name ?? row.sent_by_name} (Paystack)` };
      const applied = await approveAsSystem(tx, deps.withdrawalKind, row.withdrawal_id, actor, { paystack_transfer: row.reference }, payoutReference);
      if (!applied) throw new Error(`withdrawal ${row.withdrawal_id}: Paystack's payment could not be recorded`);
      return row;
    });
    return settled ? { status: 'succeeded', transfer: settled } : settledMeanwhile(transfer, event);
  }

  /** Settled for the admins (guarded on open): Paystack's record is not the payout's; the claimer keeps the claim. */
  async function forReview(transfer: TransferRow, reason: string, transferCode: string | null, event: TransferEvent | undefined): Promise<PayoutProgress> {
    const row = await pool.transaction(async (tx) => {
      const settled = await settleTransfer(tx, transfer.id, { status: 'needs_review', failureReason: reason, transferCode, at: clock() });
      if (settled) await insertCardDelivery(tx, cardRefreshWrite('withdrawal', settled.withdrawal_id));
      return settled;
    });
    return row ? progressOf(row) : settledMeanwhile(transfer, event);
  }

  /** Paystack reversed a transfer it had paid: the withdrawal is claimable again, its cedis reserved again. */
  async function returned(transfer: TransferRow, reason: string): Promise<PayoutProgress> {
    const row = await pool.transaction(async (tx) => {
      const reversed = await reverseTransfer(tx, transfer.id, reason);
      if (reversed) await reopenReturnedWithdrawal(tx, reversed.withdrawal_id, { by: PAYSTACK_ACTOR, reason, details: { paystack_transfer: reversed.reference } });
      return reversed;
    });
    return row ? progressOf(row) : settledMeanwhile(transfer, 'transfer.reversed');
  }

  /** Paystack paid a transfer settled failed before (finalised late, or a wrong failure): for the admins. */
  async function paidAfterFailure(transfer: TransferRow, mismatch: string | null): Promise<PayoutProgress> {
    const reason = `Paystack paid it after it was settled failed${mismatch ? ` (${mismatch})` : ''}: check whether the withdrawal was paid again another way`;
    const row = await pool.transaction(async (tx) => {
      const flagged = await flagPaidAfterFailure(tx, transfer.id, reason, clock());
      if (flagged) await insertCardDelivery(tx, cardRefreshWrite('withdrawal', flagged.withdrawal_id));
      return flagged;
    });
    return row ? progressOf(row) : settledMeanwhile(transfer, 'transfer.success');
  }

  /**
   * Settles a transfer from Paystack's record (verify), never from a webhook's words. A settled one is looked at again
   * only for the change its event names: a reversal of a paid one, a success of a failed one.
   */
  async function settle(transfer: TransferRow, event?: TransferEvent): Promise<PayoutProgress> {
    const open = transfer.status === 'started' || transfer.status === 'pending' || transfer.status === 'otp';
    const recheck = (transfer.status === 'succeeded' && event === 'transfer.reversed') || (transfer.status === 'failed' && event === 'transfer.success');
    if (!open && !recheck) return progressOf(transfer);
    const verified = await client.verifyTransfer(transfer.reference);
    if (!verified.ok) {
      if (open) return isNotFound(verified) ? unknownToPaystack(transfer) : progressOf(transfer);
      // The change an event names is never dropped unseen: the event is tried again.
      throw new Error(`transfer ${transfer.reference}: Paystack's record could not be read (${verified.message})`);
    }
    const record = verified.value;
    if (open) {
      const progress = await applyRecord(transfer, record, event);
      // Paid by a record that does not show the reversal yet: the event is tried again, to see it.
      if (event === 'transfer.reversed' && progress.status === 'succeeded') throw new Error(`transfer ${transfer.reference}: reversed by its event, not yet by Paystack's record`);
      return progress;
    }
    if (transfer.status === 'succeeded') {
      // The event said reversed; verify does not (yet): the event is tried again later.
      if (record.status !== 'reversed') throw new Error(`transfer ${transfer.reference}: reversed by its event, not by Paystack's record`);
      return returned(transfer, reasonOf(record));
    }
    // Settled failed, and the event says success: Paystack's record decides.
    return record.status === 'success' ? paidAfterFailure(transfer, recordMismatch(transfer, record)) : progressOf(transfer);
  }

  /**
   * Paystack has no record of an open transfer: the call never reached it (a timeout on the way). Once it had time to,
   * it is sent again under the same reference, as Paystack asks (a new reference would be a second transfer).
   */
  async function unknownToPaystack(transfer: TransferRow): Promise<PayoutProgress> {
    if (clock().getTime() - transfer.created_at.getTime() < UNCONFIRMED_AFTER_MS) return progressOf(transfer);
    const withdrawal = await findWithdrawal(pool, transfer.withdrawal_id);
    const recipientCode = await recipientCodeOf(pool, transfer.recipient_id);
    if (!withdrawal || recipientCode === null) throw new Error(`transfer ${transfer.reference}: its withdrawal or recipient is missing`);
    return sendTransfer(transfer, recipientCode, withdrawal.reference);
  }

  /** Asks Paystack for the transfer and applies its answer; a refusal releases the claim, no answer leaves it open. */
  async function sendTransfer(transfer: TransferRow, recipientCode: string, withdrawalReference: string): Promise<PayoutProgress> {
    const answer = await client.transfer({ amountPesewas: transfer.amount_pesewas, recipientCode, reference: transfer.reference, reason: `Withdrawal ${withdrawalReference}` });
    if (answer.ok) return applyRecord(transfer, answer.value);
    if (recipientRefused(answer)) {
      // A dead recipient code would be refused for ever: the next send makes a new recipient for the destination.
      await markRecipientRefused(pool, transfer.recipient_id, clock());
      return released(transfer, `${answer.message}: Paystack no longer accepts this recipient; tap Send with Paystack again to make a new one`, null);
    }
    if (answer.kind === 'refused') {
      // Sent before after all (the first answer was lost): its record says where it stands.
      if (isDuplicateReference(answer.message)) return progressOf(transfer);
      return released(transfer, answer.message, null);
    }
    deps.logger.warn({ reference: transfer.reference, err: answer.message }, 'Paystack did not answer a transfer: it is settled by its webhook or the 5-minute check');
    return progressOf(transfer);
  }

  async function applyRecord(transfer: TransferRow, record: TransferRecord, event?: TransferEvent): Promise<PayoutProgress> {
    const transferCode = record.transfer_code ?? null;
    if (record.status === 'success') {
      const problem = recordMismatch(transfer, record);
      if (problem !== null) return forReview(transfer, problem, transferCode, event);
      return paid(transfer, record, event);
    }
    if (FAILED_TRANSFER_STATUSES.has(record.status)) return released(transfer, reasonOf(record), transferCode, event);
    const status = record.status === 'otp' ? 'otp' : 'pending';
    const row = await pool.transaction(async (tx) => {
      const progressed = await setTransferProgress(tx, transfer.id, { status, transferCode });
      // The card shows where the transfer stands (an OTP wait needs the admins to act).
      if (progressed) await insertCardDelivery(tx, cardRefreshWrite('withdrawal', progressed.withdrawal_id));
      return progressed;
    });
    return row ? { status, transfer: row } : settledMeanwhile(transfer, event);
  }

  let bankList: { banks: ListedBank[]; until: number } | null = null;

  /** Paystack's list of Ghana's banks, asked for once an hour at most. */
  async function listedBanks(): Promise<PaystackResult<ListedBank[]>> {
    const now = clock().getTime();
    if (bankList && bankList.until > now) return { ok: true, value: bankList.banks };
    const listed = await client.listBanks();
    if (listed.ok) bankList = { banks: listed.value, until: now + BANK_LIST_TTL_MS };
    return listed;
  }

  /** Where Paystack sends the withdrawal: its wallet, or the bank of Paystack's list its bank name means. */
  async function destinationOf(withdrawal: WithdrawalRow): Promise<RecipientDestination | PayoutProgress> {
    if (withdrawal.method === 'momo' && withdrawal.momo_network !== null) return { network: withdrawal.momo_network };
    const bankName = withdrawal.bank_name ?? '';
    const listed = await listedBanks();
    if (!listed.ok) return { status: 'failed', transfer: null, reason: `Paystack's list of banks could not be read (${listed.message})` };
    const match = matchBank(bankName, listed.value);
    return match.status === 'matched' ? { bankCode: match.bank.code } : { status: 'bank_unknown', bankName, several: match.candidates.length > 1 };
  }

  /** The destination's recipient in use, made with Paystack the first time (or after Paystack refused the last one). */
  async function recipientFor(withdrawal: WithdrawalRow, destination: RecipientDestination): Promise<PaystackResult<RecipientRow>> {
    const key = { ...destination, accountNumber: withdrawal.account_number, accountName: withdrawal.account_name };
    const known = await findRecipient(pool, key);
    if (known) return { ok: true, value: known };
    const made = await client.createRecipient({ ...destination, accountNumber: key.accountNumber, name: key.accountName });
    if (!made.ok) return made;
    // Paystack answers an account it knows with its recipient, whatever name it is given now.
    const code = made.value.recipient_code;
    return { ok: true, value: (await findRecipientByCode(pool, code)) ?? (await insertRecipient(pool, key, code)) };
  }

  return {
    async send(withdrawalId, admin) {
      const withdrawal = await findWithdrawal(pool, withdrawalId);
      if (!withdrawal || withdrawal.status !== 'pending' || withdrawal.claimed_by_telegram_id !== admin.telegramId) return { status: 'not_claimed' };
      const open = await findOpenTransferOf(pool, withdrawal.id);
      if (open) return settle(open);
      // One whose outcome needs a look may have paid it: no second transfer until the admins settle it by hand.
      const latest = await latestTransferOf(pool, withdrawal.id);
      if (latest?.status === 'needs_review') return progressOf(latest);
      const destination = await destinationOf(withdrawal);
      if ('status' in destination) return destination;
      const recipient = await recipientFor(withdrawal, destination);
      if (!recipient.ok) return { status: 'failed', transfer: null, reason: recipient.message };
      let transfer: TransferRow;
      try {
        transfer = await pool.transaction(async (tx) => {
          // Under the row's lock: a release or take-over that came first wins, and one that comes later sees this transfer.
          if ((await lockWithdrawalClaim(tx, withdrawal.id)) !== admin.telegramId) throw new Rollback<PayoutProgress>({ status: 'not_claimed' });
          const attempt = (await countTransfersOf(tx, withdrawal.id)) + 1;
          return insertTransfer(tx, {
            withdrawalId: withdrawal.id,
            recipientId: recipient.value.id,
            // Paystack takes 16 to 50 lowercase letters, digits, - and _ (our reading of its documentation).
            reference: `${withdrawal.reference.toLowerCase()}-payout-${attempt}`,
            amountPesewas: toPesewas(withdrawal.amount),
            sentBy: { telegramId: admin.telegramId, name: withdrawal.claimed_by_name ?? 'admin' },
            createdAt: clock(),
          });
        });
      } catch (error) {
        if (error instanceof Rollback) return error.outcome as PayoutProgress;
        // A double tap sent it first.
        if (!(error instanceof UniqueIntegrityConstraintViolationError)) throw error;
        const concurrent = await findOpenTransferOf(pool, withdrawal.id);
        if (!concurrent) throw error;
        return settle(concurrent);
      }
      return sendTransfer(transfer, recipient.value.recipient_code, withdrawal.reference);
    },

    async settleOpenBefore(before, limit) {
      let settled = 0;
      for (const transfer of await listOpenTransfersToCheck(pool, before, limit)) {
        // One transfer that cannot be settled does not hold up the others (nor the charges checked after them), and
        // goes behind them for the next run.
        const progress = await settle(transfer).catch((error: unknown) => {
          deps.logger.error({ err: error, reference: transfer.reference }, 'a Paystack transfer could not be settled: the admins must look at it');
          return null;
        });
        await markTransferChecked(pool, transfer.id, clock());
        if (progress && isSettled(progress)) settled += 1;
      }
      return settled;
    },

    async settleByReference(reference, event) {
      const transfer = await findTransferByReference(pool, reference);
      return transfer ? settle(transfer, event) : null;
    },
  };
}

/** Whether a payout's transfer has its outcome (nothing more comes from Paystack but a later change of it). */
export function isSettled(progress: PayoutProgress): boolean {
  return progress.status !== 'pending' && progress.status !== 'otp' && progress.status !== 'started';
}

function isDuplicateReference(message: string): boolean {
  return /reference already exists|duplicate transfer reference/i.test(message);
}

function failureText(failures: unknown): string | null {
  if (typeof failures !== 'object' || failures === null) return null;
  const reason = (failures as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : null;
}

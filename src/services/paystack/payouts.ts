import { UniqueIntegrityConstraintViolationError, type DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { findWithdrawal, withdrawalClaims, type WithdrawalRow } from '../../db/cashWithdrawals.ts';
import {
  countTransfersOf,
  findOpenTransferOf,
  findRecipient,
  findTransferByReference,
  insertRecipient,
  insertTransfer,
  listOpenTransfersMadeBefore,
  lockWithdrawalClaim,
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
import { toPesewas } from '../common/amounts.ts';
import { Rollback } from '../common/rollback.ts';
import type { Clock } from '../platform/clock.ts';
import { matchBank } from './banks.ts';
import type { ListedBank, PaystackClient, PaystackFailure, PaystackResult, TransferRecord } from './client.ts';

/** Where a payout sent with Paystack stands, as the admin who sent it is told and its card shows. */
export type PayoutProgress =
  | { status: 'pending' | 'otp' | 'started' | 'succeeded'; transfer: TransferRow }
  | { status: 'failed'; transfer: TransferRow | null; reason: string }
  /** The tapper does not hold the claim (any more), or the withdrawal is decided. */
  | { status: 'not_claimed' }
  /** A bank payout to a bank Paystack lists under no such name, or under several: pay it by hand. */
  | { status: 'bank_unknown'; bankName: string; several: boolean };

export interface PaystackPayouts {
  /** Sends a claimed withdrawal (mobile money, or a bank Paystack lists) with Paystack: its recipient (made once per destination), then a transfer under a new reference. */
  send(withdrawalId: number, admin: { telegramId: number }): Promise<PayoutProgress>;
  /** A transfer event (success, failed, reversed) for this reference: settled from Paystack's own record. Null when the reference is not ours. */
  settleByReference(reference: string): Promise<PayoutProgress | null>;
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

/**
 * Payouts with Paystack, under the claims of the money-boundary issue: the admin who taps Send with Paystack holds the
 * claim; a success, verified, pays the withdrawal in their name with Paystack's transfer code as the payout reference
 * (the user is told it); a failure or reversal settles the transfer and releases the claim with the reason, so the card
 * is claimable again and nothing moved in the ledger.
 */
export function createPaystackPayouts(deps: { pool: DatabasePool; clock: Clock; logger: Logger; client: PaystackClient; withdrawalKind: ApprovalKind }): PaystackPayouts {
  const { pool, clock, client } = deps;

  async function released(transfer: TransferRow, reason: string, transferCode: string | null): Promise<PayoutProgress> {
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
    return { status: 'failed', transfer: settled ?? transfer, reason };
  }

  async function paid(transfer: TransferRow, record: TransferRecord): Promise<PayoutProgress> {
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
    return { status: 'succeeded', transfer: settled ?? transfer };
  }

  /** Settles an open transfer from Paystack's record (verify), never from a webhook's words. */
  async function settle(transfer: TransferRow): Promise<PayoutProgress> {
    if (transfer.status === 'succeeded' || transfer.status === 'failed') return progressOf(transfer);
    const verified = await client.verifyTransfer(transfer.reference);
    if (!verified.ok) return progressOf(transfer);
    return applyRecord(transfer, verified.value);
  }

  async function applyRecord(transfer: TransferRow, record: TransferRecord): Promise<PayoutProgress> {
    const reason = record.gateway_response?.trim() || failureText(record.failures) || `the transfer ${record.status}`;
    if (record.status === 'success') {
      if (record.reference !== transfer.reference || record.currency !== 'GHS' || record.amount !== transfer.amount_pesewas) {
        deps.logger.error({ reference: transfer.reference }, "Paystack's record of a transfer is not the payout's: left for the admins");
        return progressOf(transfer);
      }
      return paid(transfer, record);
    }
    if (record.status === 'failed' || record.status === 'reversed' || record.status === 'abandoned') return released(transfer, reason, record.transfer_code ?? null);
    const status = record.status === 'otp' ? 'otp' : 'pending';
    const row = await pool.transaction(async (tx) => {
      const progressed = await setTransferProgress(tx, transfer.id, { status, transferCode: record.transfer_code ?? null });
      // The card shows where the transfer stands (an OTP wait needs the admins to act).
      if (progressed) await insertCardDelivery(tx, cardRefreshWrite('withdrawal', progressed.withdrawal_id));
      return progressed;
    });
    return row ? { status, transfer: row } : settle((await findTransferByReference(pool, transfer.reference)) ?? transfer);
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
    return made.ok ? { ok: true, value: await insertRecipient(pool, key, made.value.recipient_code) } : made;
  }

  return {
    async send(withdrawalId, admin) {
      const withdrawal = await findWithdrawal(pool, withdrawalId);
      if (!withdrawal || withdrawal.status !== 'pending' || withdrawal.claimed_by_telegram_id !== admin.telegramId) return { status: 'not_claimed' };
      const open = await findOpenTransferOf(pool, withdrawal.id);
      if (open) return settle(open);
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
      const answer = await client.transfer({ amountPesewas: transfer.amount_pesewas, recipientCode: recipient.value.recipient_code, reference: transfer.reference, reason: `Withdrawal ${withdrawal.reference}` });
      if (answer.ok) return applyRecord(transfer, answer.value);
      if (recipientRefused(answer)) {
        // A dead recipient code would be refused for ever: the next send makes a new recipient for the destination.
        await markRecipientRefused(pool, recipient.value.id, clock());
        return released(transfer, `${answer.message}: Paystack no longer accepts this recipient; tap Send with Paystack again to make a new one`, null);
      }
      if (answer.kind === 'refused') return released(transfer, answer.message, null);
      // No answer: it may have gone; its webhook or a check settles it.
      deps.logger.warn({ reference: transfer.reference, err: answer.message }, 'Paystack did not answer a transfer: it is settled by its webhook');
      return { status: 'started', transfer };
    },

    async settleOpenBefore(before, limit) {
      let settled = 0;
      for (const transfer of await listOpenTransfersMadeBefore(pool, before, limit)) {
        // One transfer that cannot be settled does not hold up the others (nor the charges checked after them).
        const progress = await settle(transfer).catch((error: unknown) => {
          deps.logger.error({ err: error, reference: transfer.reference }, 'a Paystack transfer could not be settled: the admins must look at it');
          return null;
        });
        if (progress?.status === 'succeeded' || progress?.status === 'failed') settled += 1;
      }
      return settled;
    },

    async settleByReference(reference) {
      const transfer = await findTransferByReference(pool, reference);
      return transfer ? settle(transfer) : null;
    },
  };
}

function failureText(failures: unknown): string | null {
  if (typeof failures !== 'object' || failures === null) return null;
  const reason = (failures as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : null;
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { MomoNetwork } from './cashWithdrawals.ts';
import { columnsOf, countRow } from './commonRows.ts';

const OPEN_TRANSFER_STATUSES = ['started', 'pending', 'otp'] as const;
const TRANSFER_STATUSES = [...OPEN_TRANSFER_STATUSES, 'succeeded', 'failed', 'reversed', 'needs_review'] as const;
export type OpenTransferStatus = (typeof OPEN_TRANSFER_STATUSES)[number];
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export const transferSchema = z.object({
  id: z.number(),
  withdrawal_id: z.number(),
  recipient_id: z.number(),
  reference: z.string(),
  amount_pesewas: z.number(),
  status: z.enum(TRANSFER_STATUSES),
  transfer_code: z.string().nullable(),
  failure_reason: z.string().nullable(),
  sent_by_telegram_id: z.number(),
  sent_by_name: z.string(),
  created_at: z.date(),
  settled_at: z.date().nullable(),
  reversed_at: z.date().nullable(),
});
const transferColumns = columnsOf(transferSchema);
export type TransferRow = z.infer<typeof transferSchema>;
const openStatuses = sql.array([...OPEN_TRANSFER_STATUSES], 'text');

const recipientSchema = z.object({ id: z.number(), recipient_code: z.string() });
export type RecipientRow = z.infer<typeof recipientSchema>;

/** Where a recipient's money goes: a mobile-money wallet on a network, or a bank account at Paystack's bank code. */
export type RecipientDestination = { network: MomoNetwork; bankCode?: never } | { bankCode: string; network?: never };
export type RecipientKey = RecipientDestination & { accountNumber: string; accountName: string };

/** The recipient still in use for this destination (one refused by Paystack is not). */
export async function findRecipient(db: CommonQueryMethods, key: RecipientKey): Promise<RecipientRow | null> {
  return db.maybeOne(sql.type(recipientSchema)`
    SELECT id, recipient_code FROM paystack_recipients
     WHERE network IS NOT DISTINCT FROM ${key.network ?? null} AND bank_code IS NOT DISTINCT FROM ${key.bankCode ?? null}
       AND account_number = ${key.accountNumber} AND account_name = ${key.accountName} AND refused_at IS NULL
  `);
}

/** The recipient in use with this code, if any. */
export async function findRecipientByCode(db: CommonQueryMethods, recipientCode: string): Promise<RecipientRow | null> {
  return db.maybeOne(sql.type(recipientSchema)`
    SELECT id, recipient_code FROM paystack_recipients WHERE recipient_code = ${recipientCode} AND refused_at IS NULL
  `);
}

/** Keeps a recipient Paystack made; one made meanwhile for the same destination is kept instead (same code from Paystack). */
export async function insertRecipient(db: CommonQueryMethods, key: RecipientKey, recipientCode: string): Promise<RecipientRow> {
  const inUse =
    key.network === undefined
      ? sql.fragment`(bank_code, account_number, account_name) WHERE bank_code IS NOT NULL AND refused_at IS NULL`
      : sql.fragment`(network, account_number, account_name) WHERE network IS NOT NULL AND refused_at IS NULL`;
  return db.one(sql.type(recipientSchema)`
    INSERT INTO paystack_recipients (network, bank_code, account_number, account_name, recipient_code)
    VALUES (${key.network ?? null}, ${key.bankCode ?? null}, ${key.accountNumber}, ${key.accountName}, ${recipientCode})
    ON CONFLICT ${inUse} DO UPDATE SET recipient_code = paystack_recipients.recipient_code
    RETURNING id, recipient_code
  `);
}

/** The recipient code a transfer was sent to (to send it again under its reference). */
export async function recipientCodeOf(db: CommonQueryMethods, recipientId: number): Promise<string | null> {
  const row = await db.maybeOne(sql.type(z.object({ recipient_code: z.string() }))`SELECT recipient_code FROM paystack_recipients WHERE id = ${recipientId}`);
  return row?.recipient_code ?? null;
}

/** Paystack no longer accepts this recipient: it is kept for its transfers, and the next send makes a new one. */
export async function markRecipientRefused(db: CommonQueryMethods, id: number, at: Date): Promise<void> {
  await db.query(sql.unsafe`UPDATE paystack_recipients SET refused_at = ${at.toISOString()} WHERE id = ${id} AND refused_at IS NULL`);
}

export async function insertTransfer(
  db: CommonQueryMethods,
  transfer: { withdrawalId: number; recipientId: number; reference: string; amountPesewas: number; sentBy: { telegramId: number; name: string }; createdAt: Date },
): Promise<TransferRow> {
  return db.one(sql.type(transferSchema)`
    INSERT INTO paystack_transfers (withdrawal_id, recipient_id, reference, amount_pesewas, sent_by_telegram_id, sent_by_name, created_at)
    VALUES (${transfer.withdrawalId}, ${transfer.recipientId}, ${transfer.reference}, ${transfer.amountPesewas}, ${transfer.sentBy.telegramId},
            ${transfer.sentBy.name}, ${transfer.createdAt.toISOString()})
    RETURNING ${transferColumns}
  `);
}

export async function findTransferByReference(db: CommonQueryMethods, reference: string): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`SELECT ${transferColumns} FROM paystack_transfers WHERE reference = ${reference}`);
}

/** The withdrawal's newest transfer, if any (its card shows it). */
export async function latestTransferOf(db: CommonQueryMethods, withdrawalId: number): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    SELECT ${transferColumns} FROM paystack_transfers WHERE withdrawal_id = ${withdrawalId} ORDER BY id DESC LIMIT 1
  `);
}

export async function findOpenTransferOf(db: CommonQueryMethods, withdrawalId: number): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    SELECT ${transferColumns} FROM paystack_transfers WHERE withdrawal_id = ${withdrawalId} AND status = ANY(${openStatuses})
  `);
}

export async function countTransfersOf(db: CommonQueryMethods, withdrawalId: number): Promise<number> {
  return (await db.one(sql.type(countRow)`SELECT count(*)::int AS count FROM paystack_transfers WHERE withdrawal_id = ${withdrawalId}`)).count;
}

export async function setTransferProgress(db: CommonQueryMethods, id: number, progress: { status: OpenTransferStatus; transferCode: string | null }): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    UPDATE paystack_transfers SET status = ${progress.status}, transfer_code = coalesce(${progress.transferCode}, transfer_code)
     WHERE id = ${id} AND status = ANY(${openStatuses})
    RETURNING ${transferColumns}
  `);
}

/** Settles an open transfer once (guarded: null when it was settled before). */
export async function settleTransfer(
  db: CommonQueryMethods,
  id: number,
  outcome: { status: 'succeeded' | 'failed' | 'needs_review'; failureReason: string | null; transferCode: string | null; at: Date },
): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    UPDATE paystack_transfers
       SET status = ${outcome.status}, failure_reason = ${outcome.failureReason}, settled_at = ${outcome.at.toISOString()},
           transfer_code = coalesce(${outcome.transferCode}, transfer_code)
     WHERE id = ${id} AND status = ANY(${openStatuses})
    RETURNING ${transferColumns}
  `);
}

/**
 * The withdrawal's transfer with Paystack still open, if any, read after locking the withdrawal's row: a claim
 * change and a send (which takes the same lock) happen one after the other, so neither misses the other.
 */
export async function lockWithdrawalWithOpenTransfer(db: CommonQueryMethods, withdrawalId: number): Promise<TransferRow | null> {
  await db.query(sql.unsafe`SELECT id FROM cash_withdrawals WHERE id = ${withdrawalId} FOR UPDATE`);
  return findOpenTransferOf(db, withdrawalId);
}

/** Locks the withdrawal's row and says who holds its claim now (a send checks it is still the sender's). */
export async function lockWithdrawalClaim(db: CommonQueryMethods, withdrawalId: number): Promise<number | null> {
  const row = await db.maybeOne(sql.type(z.object({ claimed_by_telegram_id: z.number().nullable() }))`
    SELECT claimed_by_telegram_id FROM cash_withdrawals WHERE id = ${withdrawalId} AND status = 'pending' FOR UPDATE
  `);
  return row?.claimed_by_telegram_id ?? null;
}

/**
 * Paystack reversed a transfer it had paid (guarded: null unless it is succeeded). Its time is the database's, as the
 * ledger row written with it: the day's reconciliation sets one against the other.
 */
export async function reverseTransfer(db: CommonQueryMethods, id: number, reason: string): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    UPDATE paystack_transfers SET status = 'reversed', failure_reason = ${reason}, reversed_at = now()
     WHERE id = ${id} AND status = 'succeeded'
    RETURNING ${transferColumns}
  `);
}

/** Stops a transfer waiting for an OTP, nothing sent (guarded: null unless it still waits for one). */
export async function stopTransferWaitingForOtp(db: CommonQueryMethods, id: number, at: Date): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    UPDATE paystack_transfers SET status = 'failed', failure_reason = 'stopped while Paystack waited for an OTP', settled_at = ${at.toISOString()}
     WHERE id = ${id} AND status = 'otp'
    RETURNING ${transferColumns}
  `);
}

/** Paystack paid a transfer settled failed before: for the admins (guarded: null unless it is failed). */
export async function flagPaidAfterFailure(db: CommonQueryMethods, id: number, reason: string, at: Date): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferSchema)`
    UPDATE paystack_transfers SET status = 'needs_review', failure_reason = ${reason}, settled_at = ${at.toISOString()}
     WHERE id = ${id} AND status = 'failed'
    RETURNING ${transferColumns}
  `);
}

/**
 * Open transfers sent before `before` (no outcome yet: the job verifies them), the longest unchecked first: one that
 * cannot be settled goes behind the others once checked.
 */
export async function listOpenTransfersToCheck(db: CommonQueryMethods, before: Date, limit: number): Promise<readonly TransferRow[]> {
  return db.any(sql.type(transferSchema)`
    SELECT ${transferColumns} FROM paystack_transfers
     WHERE status = ANY(${openStatuses}) AND created_at < ${before.toISOString()} ORDER BY verified_at NULLS FIRST, created_at LIMIT ${limit}
  `);
}

export async function markTransferChecked(db: CommonQueryMethods, id: number, at: Date): Promise<void> {
  await db.query(sql.unsafe`UPDATE paystack_transfers SET verified_at = ${at.toISOString()} WHERE id = ${id}`);
}

/** Marks as alerted, and returns, the reversed transfers and those needing review that the admins were not told of. */
export async function claimUnalertedTransfers(db: CommonQueryMethods, at: Date): Promise<readonly TransferRow[]> {
  return db.any(sql.type(transferSchema)`
    UPDATE paystack_transfers SET admins_alerted_at = ${at.toISOString()}
     WHERE status IN ('reversed', 'needs_review') AND admins_alerted_at IS NULL
    RETURNING ${transferColumns}
  `);
}

/** An alert that could not be sent: the next run sends it. */
export async function forgetTransferAlert(db: CommonQueryMethods, id: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE paystack_transfers SET admins_alerted_at = NULL WHERE id = ${id}`);
}

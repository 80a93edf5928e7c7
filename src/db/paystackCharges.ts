import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { MOMO_NETWORKS } from './cashWithdrawals.ts';
import { columnsOf, countRow } from './commonRows.ts';
import type { PaymentKind } from './paymentRequests.ts';

export const OPEN_CHARGE_STATUSES = ['started', 'send_otp', 'pay_offline'] as const;
const CHARGE_STATUSES = [...OPEN_CHARGE_STATUSES, 'succeeded', 'failed', 'needs_review'] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];
export type OpenChargeStatus = (typeof OPEN_CHARGE_STATUSES)[number];
export type SettledChargeStatus = Exclude<ChargeStatus, OpenChargeStatus>;

/** The request a charge pays: a deposit or a buy. */
export interface ChargedRequest {
  kind: PaymentKind;
  id: number;
}

export const chargeSchema = z.object({
  id: z.number(),
  deposit_id: z.number().nullable(),
  buy_id: z.number().nullable(),
  user_id: z.number(),
  reference: z.string(),
  amount_pesewas: z.number(),
  network: z.enum(MOMO_NETWORKS),
  phone: z.string(),
  status: z.enum(CHARGE_STATUSES),
  failure_reason: z.string().nullable(),
  verified_status: z.string().nullable(),
  provider_transaction_id: z.number().nullable(),
  verified_amount_pesewas: z.number().nullable(),
  verified_currency: z.string().nullable(),
  created_at: z.date(),
  settled_at: z.date().nullable(),
});
const chargeColumns = columnsOf(chargeSchema);
export type ChargeRow = z.infer<typeof chargeSchema>;

/** The request a charge row pays (exactly one of its two columns is set). */
export function chargedRequest(charge: Pick<ChargeRow, 'deposit_id' | 'buy_id'>): ChargedRequest {
  if (charge.deposit_id !== null) return { kind: 'deposit', id: charge.deposit_id };
  if (charge.buy_id !== null) return { kind: 'buy', id: charge.buy_id };
  throw new Error('a Paystack charge without its request');
}

const openStatuses = sql.array([...OPEN_CHARGE_STATUSES], 'text');
const REQUEST_COLUMN = { deposit: 'deposit_id', buy: 'buy_id' } as const;
const ofRequest = (request: ChargedRequest): FragmentSqlToken => sql.fragment`${sql.identifier([REQUEST_COLUMN[request.kind]])} = ${request.id}`;

export async function insertCharge(
  db: CommonQueryMethods,
  charge: { request: ChargedRequest; userId: number; reference: string; amountPesewas: number; network: ChargeRow['network']; phone: string; createdAt: Date },
): Promise<ChargeRow> {
  const { request } = charge;
  return db.one(sql.type(chargeSchema)`
    INSERT INTO paystack_charges (deposit_id, buy_id, user_id, reference, amount_pesewas, network, phone, created_at, updated_at)
    VALUES (${request.kind === 'deposit' ? request.id : null}, ${request.kind === 'buy' ? request.id : null}, ${charge.userId}, ${charge.reference},
            ${charge.amountPesewas}, ${charge.network}, ${charge.phone}, ${charge.createdAt.toISOString()}, ${charge.createdAt.toISOString()})
    RETURNING ${chargeColumns}
  `);
}

export async function findCharge(db: CommonQueryMethods, id: number): Promise<ChargeRow | null> {
  return db.maybeOne(sql.type(chargeSchema)`SELECT ${chargeColumns} FROM paystack_charges WHERE id = ${id}`);
}

export async function findChargeByReference(db: CommonQueryMethods, reference: string): Promise<ChargeRow | null> {
  return db.maybeOne(sql.type(chargeSchema)`SELECT ${chargeColumns} FROM paystack_charges WHERE reference = ${reference}`);
}

/** The request's attempt still open (at most one, by a unique index), if any. */
export async function findOpenChargeOf(db: CommonQueryMethods, request: ChargedRequest): Promise<ChargeRow | null> {
  return db.maybeOne(sql.type(chargeSchema)`
    SELECT ${chargeColumns} FROM paystack_charges WHERE ${ofRequest(request)} AND status = ANY(${openStatuses})
  `);
}

/** The request's attempt that Paystack confirmed and the desk accepted (at most one), if any. */
export async function findSucceededChargeOf(db: CommonQueryMethods, request: ChargedRequest): Promise<ChargeRow | null> {
  return db.maybeOne(sql.type(chargeSchema)`
    SELECT ${chargeColumns} FROM paystack_charges WHERE ${ofRequest(request)} AND status = 'succeeded'
  `);
}

export async function countChargesOf(db: CommonQueryMethods, request: ChargedRequest): Promise<number> {
  return (await db.one(sql.type(countRow)`SELECT count(*)::int AS count FROM paystack_charges WHERE ${ofRequest(request)}`)).count;
}

/** What Paystack said of an open attempt (waiting for an OTP, or for the payer's approval); null once it is settled. */
export async function setChargeProgress(db: CommonQueryMethods, id: number, status: OpenChargeStatus, at: Date): Promise<ChargeRow | null> {
  return db.maybeOne(sql.type(chargeSchema)`
    UPDATE paystack_charges SET status = ${status}, updated_at = ${at.toISOString()}
     WHERE id = ${id} AND status = ANY(${openStatuses})
    RETURNING ${chargeColumns}
  `);
}

/**
 * Settles an attempt in one of the `from` statuses (open ones by default; a failed one that Paystack paid after all),
 * with what verify said (guarded: null when it is not in them).
 */
export async function settleCharge(
  db: CommonQueryMethods,
  id: number,
  outcome: {
    status: SettledChargeStatus;
    failureReason: string | null;
    verified: { status: string; transactionId: number; amountPesewas: number; currency: string } | null;
    at: Date;
  },
  from: readonly ChargeStatus[] = OPEN_CHARGE_STATUSES,
): Promise<ChargeRow | null> {
  const verified = outcome.verified;
  return db.maybeOne(sql.type(chargeSchema)`
    UPDATE paystack_charges
       SET status = ${outcome.status}, failure_reason = ${outcome.failureReason}, settled_at = ${outcome.at.toISOString()}, updated_at = ${outcome.at.toISOString()},
           verified_status = ${verified?.status ?? null}, provider_transaction_id = ${verified?.transactionId ?? null},
           verified_amount_pesewas = ${verified?.amountPesewas ?? null}, verified_currency = ${verified?.currency ?? null}
     WHERE id = ${id} AND status = ANY(${sql.array([...from], 'text')})
    RETURNING ${chargeColumns}
  `);
}

/**
 * Open attempts made before `before` (no outcome yet: the job verifies them), the longest unchecked first: one that
 * cannot be settled goes behind the others once checked.
 */
export async function listOpenChargesToCheck(db: CommonQueryMethods, before: Date, limit: number): Promise<readonly ChargeRow[]> {
  return db.any(sql.type(chargeSchema)`
    SELECT ${chargeColumns} FROM paystack_charges
     WHERE status = ANY(${openStatuses}) AND created_at < ${before.toISOString()} ORDER BY verified_at NULLS FIRST, created_at LIMIT ${limit}
  `);
}

export async function markChargeChecked(db: CommonQueryMethods, id: number, at: Date): Promise<void> {
  await db.query(sql.unsafe`UPDATE paystack_charges SET verified_at = ${at.toISOString()} WHERE id = ${id}`);
}

/** Marks as alerted, and returns, the charges needing review that the admins were not told of (one instance tells them). */
export async function claimUnalertedReviews(db: CommonQueryMethods, at: Date): Promise<readonly ChargeRow[]> {
  return db.any(sql.type(chargeSchema)`
    UPDATE paystack_charges SET admins_alerted_at = ${at.toISOString()}
     WHERE status = 'needs_review' AND admins_alerted_at IS NULL
    RETURNING ${chargeColumns}
  `);
}

/** An alert that could not be sent: the next run sends it. */
export async function forgetReviewAlert(db: CommonQueryMethods, id: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE paystack_charges SET admins_alerted_at = NULL WHERE id = ${id}`);
}

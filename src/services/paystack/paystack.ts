import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError, type DatabasePool } from 'slonik';
import { findDeposit, type DepositRow } from '../../db/cashDeposits.ts';
import { markPaymentReported } from '../../db/paymentRequests.ts';
import {
  claimUnalertedReviews,
  countChargesOfDeposit,
  findCharge,
  findChargeByReference,
  findOpenChargeOfDeposit,
  forgetReviewAlert,
  insertCharge,
  listOpenChargesMadeBefore,
  setChargeProgress,
  settleCharge,
  type ChargeRow,
} from '../../db/paystackCharges.ts';
import { insertPaystackEvent, listDuePaystackEvents, markPaystackEventProcessed, recordPaystackEventFailure, type PaystackEventRow } from '../../db/paystackEvents.ts';
import { findUserById } from '../../db/users.ts';
import type { Logger } from '../../logger.ts';
import type { AdminActor } from '../accounts/admins.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { approveAsSystem } from '../approvals/approvals.ts';
import { Big } from '../common/amounts.ts';
import { oneRunAtATime } from '../common/oneRunAtATime.ts';
import { notifyUser } from '../notifications/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import type { ChargeAnswer, MomoNetworkName, PaystackClient, PaystackResult, TransactionRecord } from './client.ts';
import { paystackNotices } from './notices.ts';

/** Who approves a deposit Paystack confirmed, in the audit trail (telegram id 0: no person). */
export const PAYSTACK_ACTOR: AdminActor = { telegramId: 0, userId: null, name: 'Paystack' };
/** A charge with no outcome this long after it was made is verified by a job. */
export const UNCONFIRMED_AFTER_MS = 5 * 60_000;
/** The largest webhook body taken (Paystack's events are a few kilobytes). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
const EVENTS_PER_ROUND = 50;
const RETRY_MIN_MS = 30_000;
const RETRY_MAX_MS = 60 * 60_000;

/** Where an instant payment stands, as the payer is told. */
export type ChargeProgress =
  | { status: 'needs_otp'; charge: ChargeRow; displayText: string | null }
  | { status: 'waiting_approval'; charge: ChargeRow; displayText: string | null }
  /** No answer from Paystack yet (a timeout): verified again later. */
  | { status: 'unknown'; charge: ChargeRow }
  | { status: 'credited'; charge: ChargeRow }
  | { status: 'failed'; charge: ChargeRow; reason: string }
  | { status: 'needs_review'; charge: ChargeRow };

export type StartResult = ChargeProgress | { status: 'not_open' };

export type WebhookReceipt = 'accepted' | 'unauthorized' | 'malformed';

export interface PaystackService {
  /**
   * A webhook as it arrived: the signature (HMAC-SHA512 of the raw body with the secret key, hex) is checked in
   * constant time before anything is parsed; a signed event is stored once and worked by `processEvents`.
   */
  receiveWebhook(rawBody: Buffer, signature: string | undefined): Promise<WebhookReceipt>;
  /** Works the stored events that are due; how many were done. One run at a time per process. */
  processEvents(): Promise<number>;
  /** The user's deposit that may still be paid instantly (pending, not reported paid), if it is theirs. */
  payableDeposit(userId: number, depositId: number): Promise<{ id: number; reference: string; amount: string } | null>;
  /** Starts a mobile-money charge for the exact amount of the user's deposit, under a new reference (at most one open). */
  startDepositCharge(request: { userId: number; depositId: number; network: MomoNetworkName; phone: string }): Promise<StartResult>;
  /** The OTP (Telecel's voucher) the payer typed, for their charge. */
  submitOtp(userId: number, chargeId: number, otp: string): Promise<ChargeProgress | { status: 'not_open' }>;
  /** The payer asks where their payment stands: an open charge is verified with Paystack. */
  check(userId: number, chargeId: number): Promise<ChargeProgress | { status: 'not_found' }>;
  /** Verifies the charges with no outcome 5 minutes after they were made; how many were settled. */
  verifyUnconfirmed(now: Date): Promise<number>;
  /** The charges needing the admins' attention not yet told, marked told (send them, or `forgetAlert`). */
  takeReviewAlerts(now: Date): Promise<readonly (ChargeRow & { depositReference: string })[]>;
  forgetAlert(chargeId: number): Promise<void>;
}

const pesewasOf = (amount: string): number => Number(new Big(amount).times(100).toFixed(0));
const cedisOf = (pesewas: number): string => new Big(pesewas).div(100).toFixed(2);

/** Why Paystack's record of a successful charge is not the request's, or null when it is (and the request still open). */
function mismatch(deposit: DepositRow | null, charge: ChargeRow, record: TransactionRecord): string | null {
  if (!deposit) return 'the deposit is missing';
  if (record.reference !== charge.reference) return `Paystack answered for another reference (${record.reference})`;
  if (record.currency !== 'GHS') return `Paystack charged in ${record.currency}`;
  if (record.amount !== charge.amount_pesewas || record.amount !== pesewasOf(deposit.amount)) {
    return `Paystack charged GHS ${cedisOf(record.amount)}, the deposit is for GHS ${deposit.amount}`;
  }
  if (deposit.status !== 'pending') return `the deposit was ${deposit.status} when Paystack confirmed the payment`;
  return null;
}

export function createPaystackService(deps: {
  pool: DatabasePool;
  clock: Clock;
  logger: Logger;
  client: PaystackClient;
  secretKey: string;
  depositKind: ApprovalKind;
}): PaystackService {
  const { pool, clock, logger, client } = deps;

  function signatureMatches(rawBody: Buffer, signature: string | undefined): boolean {
    if (!signature) return false;
    const expected = createHmac('sha512', deps.secretKey).update(rawBody).digest();
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function progressOf(charge: ChargeRow, displayText: string | null = null): ChargeProgress {
    switch (charge.status) {
      case 'send_otp':
        return { status: 'needs_otp', charge, displayText };
      case 'pay_offline':
        return { status: 'waiting_approval', charge, displayText };
      case 'started':
        return { status: 'unknown', charge };
      case 'succeeded':
        return { status: 'credited', charge };
      case 'failed':
        return { status: 'failed', charge, reason: charge.failure_reason ?? 'the payment was not completed' };
      case 'needs_review':
        return { status: 'needs_review', charge };
    }
  }

  async function depositReference(charge: ChargeRow): Promise<string> {
    return (await findDeposit(pool, charge.deposit_id))?.reference ?? charge.reference;
  }

  /** A failed charge, settled once with the payer told why (outbox, same transaction). */
  async function settleFailed(charge: ChargeRow, reason: string, verified: Parameters<typeof settleCharge>[2]['verified']): Promise<ChargeProgress> {
    const settled = await pool.transaction(async (tx) => {
      const row = await settleCharge(tx, charge.id, { status: 'failed', failureReason: reason, verified, at: clock() });
      const deposit = row ? await findDeposit(tx, row.deposit_id) : null;
      if (row && deposit) await notifyUser(tx, row.user_id, paystackNotices.chargeFailed(row, deposit.reference, reason));
      return row;
    });
    return progressOf(settled ?? (await findCharge(pool, charge.id)) ?? charge);
  }

  /**
   * The credit, once: the charge settled as succeeded and the deposit approved by Paystack (reported paid first, as an
   * admin's approval needs), in one transaction. A record that is not the request's (another amount, currency or
   * reference, or a request closed meanwhile) credits nothing: the charge is settled for review, the admins alerted.
   */
  async function credit(charge: ChargeRow, record: TransactionRecord): Promise<ChargeProgress> {
    const verified = { status: record.status, transactionId: record.id, amountPesewas: record.amount, currency: record.currency };
    const settled = await pool.transaction(async (tx) => {
      const deposit = await findDeposit(tx, charge.deposit_id);
      const problem = mismatch(deposit, charge, record);
      if (deposit && problem === null) {
        const row = await settleCharge(tx, charge.id, { status: 'succeeded', failureReason: null, verified, at: clock() });
        if (!row) return null;
        await markPaymentReported(tx, { kind: 'deposit', id: deposit.id, userId: deposit.user_id, at: clock(), proof: null });
        const applied = await approveAsSystem(tx, deps.depositKind, deposit.id, PAYSTACK_ACTOR, {
          paystack_reference: charge.reference,
          paystack_transaction_id: record.id,
        });
        if (!applied) throw new Error(`deposit ${deposit.id}: Paystack's approval did not apply`);
        return row;
      }
      const row = await settleCharge(tx, charge.id, { status: 'needs_review', failureReason: problem, verified, at: clock() });
      if (row && deposit) await notifyUser(tx, row.user_id, paystackNotices.underReview(row, deposit.reference));
      return row;
    });
    return progressOf(settled ?? (await findCharge(pool, charge.id)) ?? charge);
  }

  /**
   * Settles an open charge from Paystack's own record (verify), never from a webhook's words: money moves only when
   * the status is success and the currency, reference and amount are the request's.
   */
  async function settle(charge: ChargeRow): Promise<ChargeProgress> {
    if (charge.status !== 'started' && charge.status !== 'send_otp' && charge.status !== 'pay_offline') return progressOf(charge);
    const verified = await client.verify(charge.reference);
    if (!verified.ok) {
      // Paystack has no record of it: the charge never reached it (a timeout on the way), once it had time to.
      const unknownToPaystack = verified.kind === 'refused' && verified.httpStatus === 400;
      if (unknownToPaystack && clock().getTime() - charge.created_at.getTime() >= UNCONFIRMED_AFTER_MS) {
        return settleFailed(charge, 'Paystack has no record of this payment', null);
      }
      return progressOf(charge);
    }
    const record = verified.value;
    if (record.status === 'success') return credit(charge, record);
    if (record.status === 'failed' || record.status === 'abandoned' || record.status === 'reversed') {
      const facts = { status: record.status, transactionId: record.id, amountPesewas: record.amount, currency: record.currency };
      return settleFailed(charge, record.gateway_response?.trim() || `the payment ${record.status}`, facts);
    }
    return progressOf(charge);
  }

  /** What a charge or OTP call answered, applied to the attempt. */
  async function applyAnswer(charge: ChargeRow, answer: PaystackResult<ChargeAnswer>): Promise<ChargeProgress> {
    if (!answer.ok) {
      if (answer.kind === 'refused') return settleFailed(charge, answer.message, null);
      logger.warn({ reference: charge.reference, err: answer.message }, 'Paystack did not answer a charge call: it is verified later');
      return progressOf(charge);
    }
    const displayText = answer.value.display_text ?? null;
    if (answer.value.status === 'send_otp' || answer.value.status === 'pay_offline') {
      const row = await setChargeProgress(pool, charge.id, answer.value.status, clock());
      return row ? progressOf(row, displayText) : progressOf((await findCharge(pool, charge.id)) ?? charge);
    }
    // success, failed or anything else: Paystack's record says what happened.
    return settle(charge);
  }

  async function handleEvent(row: PaystackEventRow): Promise<string> {
    const data = row.body.data as { reference?: unknown } | undefined;
    if (row.event !== 'charge.success') return 'ignored';
    if (typeof data?.reference !== 'string') return 'no_reference';
    const charge = await findChargeByReference(pool, data.reference);
    if (!charge) return 'unknown_reference';
    const result = await settle(charge);
    // Verify could not tell: the event is tried again later.
    if (result.status === 'unknown' || result.status === 'waiting_approval' || result.status === 'needs_otp') throw new Error(`charge ${charge.reference} not settled yet`);
    return result.status;
  }

  async function processRound(): Promise<number> {
    const due = await listDuePaystackEvents(pool, clock(), EVENTS_PER_ROUND);
    for (const row of due) {
      try {
        await markPaystackEventProcessed(pool, row.id, await handleEvent(row), clock());
      } catch (error) {
        const delay = Math.min(RETRY_MIN_MS * 2 ** row.attempts, RETRY_MAX_MS);
        await recordPaystackEventFailure(pool, row.id, error instanceof Error ? error.message : String(error), new Date(clock().getTime() + delay));
      }
    }
    return due.length;
  }
  const events = oneRunAtATime(processRound, () => false);

  async function ownOpenDeposit(userId: number, depositId: number): Promise<DepositRow | null> {
    const deposit = await findDeposit(pool, depositId);
    return deposit?.user_id === userId && deposit.status === 'pending' && deposit.reported_paid_at === null ? deposit : null;
  }

  return {
    async receiveWebhook(rawBody, signature) {
      if (!signatureMatches(rawBody, signature)) return 'unauthorized';
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return 'malformed';
      }
      if (typeof body !== 'object' || body === null) return 'malformed';
      const { event, data } = body as { event?: unknown; data?: unknown };
      if (typeof event !== 'string' || event.length > 60 || typeof data !== 'object' || data === null) return 'malformed';
      const id = (data as { id?: unknown }).id;
      const dataId = typeof id === 'number' || (typeof id === 'string' && id.length <= 80) ? String(id) : createHash('sha256').update(rawBody).digest('hex');
      await insertPaystackEvent(pool, { event, dataId, body: rawBody.toString('utf8'), receivedAt: clock() });
      return 'accepted';
    },

    processEvents: () => events.run(),

    async payableDeposit(userId, depositId) {
      const deposit = await ownOpenDeposit(userId, depositId);
      return deposit ? { id: deposit.id, reference: deposit.reference, amount: deposit.amount } : null;
    },

    async startDepositCharge(request) {
      const deposit = await ownOpenDeposit(request.userId, request.depositId);
      const user = await findUserById(pool, request.userId);
      if (!deposit || !user) return { status: 'not_open' };
      let made: { charge: ChargeRow; isNew: boolean };
      try {
        made = await pool.transaction(async (tx) => {
          const open = await findOpenChargeOfDeposit(tx, deposit.id);
          if (open) return { charge: open, isNew: false };
          const attempt = (await countChargesOfDeposit(tx, deposit.id)) + 1;
          const charge = await insertCharge(tx, {
            depositId: deposit.id,
            userId: deposit.user_id,
            reference: `${deposit.reference}-${attempt}`,
            amountPesewas: pesewasOf(deposit.amount),
            network: request.network,
            phone: request.phone,
            createdAt: clock(),
          });
          return { charge, isNew: true };
        });
      } catch (error) {
        // A double tap made the other attempt first.
        if (!(error instanceof UniqueIntegrityConstraintViolationError)) throw error;
        const open = await findOpenChargeOfDeposit(pool, deposit.id);
        if (!open) throw error;
        made = { charge: open, isNew: false };
      }
      // An attempt already sent (a repeated step, a double tap) is never sent again: Paystack would refuse its reference.
      const { charge, isNew } = made;
      if (!isNew) return progressOf(charge);
      const answer = await client.chargeMobileMoney({ email: user.email, amountPesewas: charge.amount_pesewas, reference: charge.reference, network: charge.network, phone: charge.phone });
      return applyAnswer(charge, answer);
    },

    async submitOtp(userId, chargeId, otp) {
      const charge = await findCharge(pool, chargeId);
      if (charge?.user_id !== userId || charge.status !== 'send_otp') return { status: 'not_open' };
      return applyAnswer(charge, await client.submitOtp(charge.reference, otp));
    },

    async check(userId, chargeId) {
      const charge = await findCharge(pool, chargeId);
      if (charge?.user_id !== userId) return { status: 'not_found' };
      return settle(charge);
    },

    async verifyUnconfirmed(now) {
      const stale = await listOpenChargesMadeBefore(pool, new Date(now.getTime() - UNCONFIRMED_AFTER_MS), EVENTS_PER_ROUND);
      let settled = 0;
      for (const charge of stale) {
        const result = await settle(charge);
        if (result.status !== 'unknown' && result.status !== 'waiting_approval' && result.status !== 'needs_otp') settled += 1;
      }
      return settled;
    },

    async takeReviewAlerts(now) {
      const rows = await claimUnalertedReviews(pool, now);
      return Promise.all(rows.map(async (row) => ({ ...row, depositReference: await depositReference(row) })));
    },

    forgetAlert: (chargeId) => forgetReviewAlert(pool, chargeId),
  };
}

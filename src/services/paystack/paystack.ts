import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { findCryptoTransaction } from '../../db/cryptoTransactions.ts';
import { findPaymentRequest, markPaymentReported, type PaymentRequestRow } from '../../db/paymentRequests.ts';
import { readPaystackAutoBuyLimit } from '../../db/settings.ts';
import {
  chargedRequest,
  claimUnalertedReviews,
  countChargesOf,
  findCharge,
  findChargeByReference,
  findOpenChargeOf,
  forgetReviewAlert,
  insertCharge,
  findSucceededChargeOf,
  listOpenChargesToCheck,
  markChargeChecked,
  setChargeProgress,
  settleCharge,
  type ChargedRequest,
  type ChargeRow,
} from '../../db/paystackCharges.ts';
import { insertPaystackEvent, listDuePaystackEvents, markPaystackEventProcessed, recordPaystackEventFailure, type PaystackEventRow } from '../../db/paystackEvents.ts';
import { findUserById } from '../../db/users.ts';
import { findWithdrawal } from '../../db/cashWithdrawals.ts';
import { claimUnalertedTransfers, forgetTransferAlert, type TransferRow } from '../../db/paystackTransfers.ts';
import type { Logger } from '../../logger.ts';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import { approveAsSystem } from '../approvals/approvals.ts';
import { cardRefreshWrite, queueCardPost } from '../approvals/cardQueue.ts';
import { insertCardDelivery } from '../../db/cardDeliveries.ts';
import { Big, fromPesewas, toPesewas } from '../common/amounts.ts';
import { oneRunAtATime } from '../common/oneRunAtATime.ts';
import { notifyUser } from '../notifications/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import { isNotFound, PAYSTACK_ACTOR, UNCONFIRMED_AFTER_MS, type ChargeAnswer, type MomoNetworkName, type PaystackClient, type PaystackResult, type TransactionRecord } from './client.ts';
import { paystackNotices } from './notices.ts';
import { readPaystackDay, type PaystackDayFigures } from '../../db/readModels/paystackReconciliation.ts';
import { startOfDay } from '../common/calendar.ts';
import { isSettled, TRANSFER_EVENTS, type PaystackPayouts, type PayoutProgress, type TransferEvent } from './payouts.ts';

/** The largest webhook body taken (Paystack's events are a few kilobytes). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
const EVENTS_PER_ROUND = 50;
/** Paystack's refusal of a wrong mobile-money OTP ("Provided registration token is invalid"). */
const WRONG_OTP = /registration token is invalid|invalid otp/i;
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

/** A day's Paystack figures and what does not add up (empty when all does). */
export interface PaystackReconciliation {
  figures: PaystackDayFigures;
  mismatches: readonly string[];
}

export type WebhookReceipt = 'accepted' | 'unauthorized' | 'malformed';

export interface PaystackService {
  /**
   * A webhook as it arrived: the signature (HMAC-SHA512 of the raw body with the secret key, hex) is checked in
   * constant time before anything is parsed; a signed event is stored once and worked by `processEvents`.
   */
  receiveWebhook(rawBody: Buffer, signature: string | undefined): Promise<WebhookReceipt>;
  /** Works the stored events that are due; how many were done. One run at a time per process. */
  processEvents(): Promise<number>;
  /** The user's deposit or buy that may still be paid instantly (pending, not reported paid), if it is theirs. */
  payableRequest(userId: number, request: ChargedRequest): Promise<PayableRequest | null>;
  /** Starts a mobile-money charge for the exact cedis of the user's request, under a new reference (at most one open). */
  startCharge(request: { userId: number; request: ChargedRequest; network: MomoNetworkName; phone: string }): Promise<StartResult>;
  /** The OTP (Telecel's voucher) the payer typed, for their charge. */
  submitOtp(userId: number, chargeId: number, otp: string): Promise<ChargeProgress | { status: 'not_open' }>;
  /** The payer asks where their payment stands: an open charge is verified with Paystack. */
  check(userId: number, chargeId: number): Promise<ChargeProgress | { status: 'not_found' }>;
  /** Verifies the charges and transfers with no outcome 5 minutes after they were made; how many were settled. */
  verifyUnconfirmed(now: Date): Promise<number>;
  /** The charges needing the admins' attention not yet told, marked told (send them, or `forgetAlert`). */
  takeReviewAlerts(now: Date): Promise<readonly (ChargeRow & { requestReference: string })[]>;
  forgetAlert(chargeId: number): Promise<void>;
  /** The transfers reversed or needing review not yet told, marked told (send them, or `forgetTransferAlert`). */
  takeTransferAlerts(now: Date): Promise<readonly (TransferRow & { withdrawalReference: string })[]>;
  forgetTransferAlert(transferId: number): Promise<void>;
  /** A calendar day (Accra) of money through Paystack against the ledger, and whether they agree. */
  reconcileDay(dayStart: Date): Promise<PaystackReconciliation>;
  /** Sends a claimed mobile-money withdrawal with Paystack (the tapper must hold its claim). */
  sendPayout(withdrawalId: number, admin: { telegramId: number }): Promise<PayoutProgress>;
}


/** A deposit or buy that may be paid instantly: its cedis are charged. */
export interface PayableRequest {
  kind: ChargedRequest['kind'];
  id: number;
  reference: string;
  amount: string;
}

/**
 * Why Paystack's record of a successful charge is not the request's, or null when it is (and the request still open,
 * not paid by another attempt).
 */
function mismatch(request: PaymentRequestRow | null, charge: ChargeRow, record: TransactionRecord, paidBy: ChargeRow | null): string | null {
  if (!request) return 'the request is missing';
  if (paidBy && paidBy.id !== charge.id) return `the ${request.kind} was paid already, by payment ${paidBy.reference}: this one paid it twice`;
  if (record.reference !== charge.reference) return `Paystack answered for another reference (${record.reference})`;
  if (record.currency !== 'GHS') return `Paystack charged in ${record.currency}`;
  if (record.amount !== charge.amount_pesewas || record.amount !== toPesewas(request.cedis_amount)) {
    return `Paystack charged GHS ${fromPesewas(record.amount)}, the ${request.kind} is for GHS ${request.cedis_amount}`;
  }
  if (request.status !== 'pending') return `the ${request.kind} was ${request.status} when Paystack confirmed the payment`;
  return null;
}

export function createPaystackService(deps: {
  pool: DatabasePool;
  clock: Clock;
  logger: Logger;
  client: PaystackClient;
  secretKey: string;
  /** The approval kinds of the requests it charges: a credit is their own approval, by Paystack. */
  kinds: Readonly<Record<ChargedRequest['kind'], ApprovalKind>>;
  payouts: PaystackPayouts;
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

  function requestOf(db: CommonQueryMethods, charge: ChargeRow): Promise<PaymentRequestRow | null> {
    const request = chargedRequest(charge);
    return findPaymentRequest(db, request.kind, request.id);
  }

  /** A failed charge, settled once with the payer told why (outbox, same transaction). */
  async function settleFailed(charge: ChargeRow, reason: string, verified: Parameters<typeof settleCharge>[2]['verified']): Promise<ChargeProgress> {
    const settled = await pool.transaction(async (tx) => {
      const row = await settleCharge(tx, charge.id, { status: 'failed', failureReason: reason, verified, at: clock() });
      const request = row ? await requestOf(tx, row) : null;
      if (row && request) await notifyUser(tx, row.user_id, paystackNotices.chargeFailed(row, request, reason));
      return row;
    });
    return progressOf(settled ?? (await findCharge(pool, charge.id)) ?? charge);
  }

  /**
   * A deposit's credit, or a buy's (below the /settings limit, and started within its quote): the request's own
   * approval, by Paystack. Other buys are marked paid and go to the admins, their card saying Paystack verified it.
   */
  async function acceptPayment(tx: DatabaseTransactionConnection, request: PaymentRequestRow, charge: ChargeRow, record: TransactionRecord): Promise<void> {
    const reported = await markPaymentReported(tx, { kind: request.kind, id: request.id, userId: request.user_id, at: clock(), proof: null });
    if (request.kind === 'buy' && !(await creditsBuyAlone(tx, request, charge))) {
      // Reported now: its card is owed; reported before ("I have paid"): its card shows the verification once refreshed.
      if (reported) await queueCardPost(tx, 'buy', request.id);
      else await insertCardDelivery(tx, cardRefreshWrite('buy', request.id));
      await notifyUser(tx, request.user_id, paystackNotices.buyPaid(charge, request));
      return;
    }
    const applied = await approveAsSystem(tx, deps.kinds[request.kind], request.id, PAYSTACK_ACTOR, {
      paystack_reference: charge.reference,
      paystack_transaction_id: record.id,
    });
    if (!applied) throw new Error(`${request.kind} ${request.id}: Paystack's approval did not apply`);
  }

  async function creditsBuyAlone(tx: DatabaseTransactionConnection, request: PaymentRequestRow, charge: ChargeRow): Promise<boolean> {
    const limit = await readPaystackAutoBuyLimit(tx);
    const buy = await findCryptoTransaction(tx, request.id, 'buy');
    const withinQuote = buy?.quote_expires_at != null && charge.created_at <= buy.quote_expires_at;
    return withinQuote && new Big(limit).gt(0) && new Big(request.cedis_amount).lt(limit);
  }

  /**
   * The payment accepted, once: the charge settled as succeeded and its request paid, in one transaction. A record
   * that is not the request's (another amount, currency or reference, or a request closed meanwhile) moves nothing:
   * the charge is settled for review, the user told, the admins alerted.
   */
  async function credit(charge: ChargeRow, record: TransactionRecord): Promise<ChargeProgress> {
    const verified = { status: record.status, transactionId: record.id, amountPesewas: record.amount, currency: record.currency };
    // A failed attempt that Paystack paid after all (a late charge.success) is settled again, once.
    const from = charge.status === 'failed' ? (['failed'] as const) : undefined;
    const settled = await pool.transaction(async (tx) => {
      const request = await requestOf(tx, charge);
      const problem = mismatch(request, charge, record, await findSucceededChargeOf(tx, chargedRequest(charge)));
      if (request && problem === null) {
        const row = await settleCharge(tx, charge.id, { status: 'succeeded', failureReason: null, verified, at: clock() }, from);
        if (row) await acceptPayment(tx, request, row, record);
        return row;
      }
      const row = await settleCharge(tx, charge.id, { status: 'needs_review', failureReason: problem, verified, at: clock() }, from);
      if (row && request) await notifyUser(tx, row.user_id, paystackNotices.underReview(row, request));
      return row;
    });
    return progressOf(settled ?? (await findCharge(pool, charge.id)) ?? charge);
  }

  /**
   * Settles an open charge from Paystack's own record (verify), never from a webhook's words: money moves only when
   * the status is success and the currency, reference and amount are the request's.
   */
  async function settle(charge: ChargeRow, afterSuccessEvent = false): Promise<ChargeProgress> {
    const open = charge.status === 'started' || charge.status === 'send_otp' || charge.status === 'pay_offline';
    // A failed attempt is looked at again when Paystack says it succeeded: the payer's money came after all.
    if (!open && !(afterSuccessEvent && charge.status === 'failed')) return progressOf(charge);
    const verified = await client.verify(charge.reference);
    // The success an event names is never dropped unseen: the event is tried again.
    if (!verified.ok && !open) throw new Error(`charge ${charge.reference}: Paystack's record could not be read (${verified.message})`);
    if (!verified.ok) {
      // Paystack has no record of it: the charge never reached it (a timeout on the way), once it had time to.
      if (isNotFound(verified) && clock().getTime() - charge.created_at.getTime() >= UNCONFIRMED_AFTER_MS) {
        return settleFailed(charge, 'Paystack has no record of this payment', null);
      }
      return progressOf(charge);
    }
    const record = verified.value;
    if (record.status === 'success') return credit(charge, record);
    if (!open) return progressOf(charge);
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
    const transferEvent = TRANSFER_EVENTS.find((event) => event === row.event);
    if (!transferEvent && row.event !== 'charge.success') return 'ignored';
    if (typeof data?.reference !== 'string') return 'no_reference';
    if (transferEvent) return settleTransferEvent(data.reference, transferEvent);
    const charge = await findChargeByReference(pool, data.reference);
    if (!charge) return 'unknown_reference';
    const result = await settle(charge, true);
    // Verify could not tell: the event is tried again later.
    if (result.status === 'unknown' || result.status === 'waiting_approval' || result.status === 'needs_otp') throw new Error(`charge ${charge.reference} not settled yet`);
    return result.status;
  }

  async function settleTransferEvent(reference: string, event: TransferEvent): Promise<string> {
    const payout = await deps.payouts.settleByReference(reference, event);
    if (!payout) return 'unknown_reference';
    if (!isSettled(payout)) throw new Error(`transfer ${reference} not settled yet`);
    return `transfer_${payout.status}`;
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

  async function payable(userId: number, charged: ChargedRequest): Promise<PaymentRequestRow | null> {
    const request = await findPaymentRequest(pool, charged.kind, charged.id);
    return request?.user_id === userId && request.status === 'pending' && request.reported_paid_at === null ? request : null;
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

    async payableRequest(userId, charged) {
      const request = await payable(userId, charged);
      return request ? { kind: request.kind, id: request.id, reference: request.reference, amount: request.cedis_amount } : null;
    },

    async startCharge({ userId, request: charged, network, phone }) {
      const request = await payable(userId, charged);
      const user = await findUserById(pool, userId);
      if (!request || !user) return { status: 'not_open' };
      let made: { charge: ChargeRow; isNew: boolean };
      try {
        made = await pool.transaction(async (tx) => {
          const open = await findOpenChargeOf(tx, charged);
          if (open) return { charge: open, isNew: false };
          const attempt = (await countChargesOf(tx, charged)) + 1;
          const charge = await insertCharge(tx, {
            request: charged,
            userId,
            reference: `${request.reference}-${attempt}`,
            amountPesewas: toPesewas(request.cedis_amount),
            network,
            phone,
            createdAt: clock(),
          });
          return { charge, isNew: true };
        });
      } catch (error) {
        // A double tap made the other attempt first.
        if (!(error instanceof UniqueIntegrityConstraintViolationError)) throw error;
        const open = await findOpenChargeOf(pool, charged);
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
      const answer = await client.submitOtp(charge.reference, otp);
      // A wrong code is refused while the charge still waits for the right one: Paystack's advice is to ask again.
      if (!answer.ok && answer.kind === 'refused' && WRONG_OTP.test(answer.message)) return progressOf(charge, 'That code was not accepted. Check it and type it again.');
      return applyAnswer(charge, answer);
    },

    async check(userId, chargeId) {
      const charge = await findCharge(pool, chargeId);
      if (charge?.user_id !== userId) return { status: 'not_found' };
      return settle(charge);
    },

    async verifyUnconfirmed(now) {
      const before = new Date(now.getTime() - UNCONFIRMED_AFTER_MS);
      const stale = await listOpenChargesToCheck(pool, before, EVENTS_PER_ROUND);
      let settled = await deps.payouts.settleOpenBefore(before, EVENTS_PER_ROUND);
      for (const charge of stale) {
        const result = await settle(charge).catch((error: unknown) => {
          logger.error({ err: error, reference: charge.reference }, 'a Paystack charge could not be settled: the admins must look at it');
          return null;
        });
        await markChargeChecked(pool, charge.id, clock());
        if (result && result.status !== 'unknown' && result.status !== 'waiting_approval' && result.status !== 'needs_otp') settled += 1;
      }
      return settled;
    },

    async takeReviewAlerts(now) {
      const rows = await claimUnalertedReviews(pool, now);
      return Promise.all(rows.map(async (row) => ({ ...row, requestReference: (await requestOf(pool, row))?.reference ?? row.reference })));
    },

    forgetAlert: (chargeId) => forgetReviewAlert(pool, chargeId),

    async takeTransferAlerts(now) {
      const rows = await claimUnalertedTransfers(pool, now);
      return Promise.all(rows.map(async (row) => ({ ...row, withdrawalReference: (await findWithdrawal(pool, row.withdrawal_id))?.reference ?? `#${row.withdrawal_id}` })));
    },
    forgetTransferAlert: (transferId) => forgetTransferAlert(pool, transferId),
    sendPayout: (withdrawalId, admin) => deps.payouts.send(withdrawalId, admin),

    async reconcileDay(dayStart) {
      const figures = await readPaystackDay(pool, dayStart, startOfDay(dayStart, 1));
      const mismatches: string[] = [];
      const accounted = new Big(figures.credited_ghs).plus(figures.awaiting_admin_ghs);
      if (!new Big(figures.confirmed_ghs).eq(accounted)) {
        mismatches.push(`Paystack confirmed GHS ${figures.confirmed_ghs} collected, the ledger holds GHS ${figures.credited_ghs} credited and GHS ${figures.awaiting_admin_ghs} awaiting an admin`);
      }
      if (!new Big(figures.sent_ghs).eq(figures.paid_in_ledger_ghs)) {
        mismatches.push(`Paystack paid out GHS ${figures.sent_ghs}, the ledger holds GHS ${figures.paid_in_ledger_ghs} of those withdrawals paid`);
      }
      if (figures.review_charges > 0) mismatches.push(`${figures.review_charges} Paystack payment(s) could not be credited as asked and wait for the admins`);
      if (!new Big(figures.reversed_ghs).eq(figures.returned_in_ledger_ghs)) {
        mismatches.push(`Paystack reversed GHS ${figures.reversed_ghs} of payouts, the ledger reserved GHS ${figures.returned_in_ledger_ghs} again for them`);
      }
      if (figures.review_transfers > 0) mismatches.push(`${figures.review_transfers} Paystack payout(s) need a look in the Paystack dashboard`);
      return { figures, mismatches };
    },
  };
}

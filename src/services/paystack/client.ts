import { z } from 'zod';
import type { PaystackConfig } from '../../config.ts';
import type { AdminActor } from '../accounts/admins.ts';
import type { RecipientDestination } from '../../db/paystackTransfers.ts';

/**
 * Paystack's HTTP API, the calls the desk makes: a mobile-money charge, its OTP, verify, Ghana's banks, transfers. Amounts are whole
 * pesewas (integers); every answer is checked against what we expect before use. Endpoints and field names are from
 * Paystack's public documentation; what was never checked against the live service is listed in docs/decisions.md.
 */

/** Paystack's provider codes for Ghana's mobile-money networks. */
export const PROVIDER_OF_NETWORK = { MTN: 'mtn', Telecel: 'vod', AirtelTigo: 'atl' } as const;
export type MomoNetworkName = keyof typeof PROVIDER_OF_NETWORK;

/** Who approves or settles what Paystack confirmed, in the audit trail (telegram id 0: no person). */
export const PAYSTACK_ACTOR: AdminActor = { telegramId: 0, userId: null, name: 'Paystack' };
/**
 * A charge or transfer with no outcome this long after it was made is verified by a job; one Paystack then has no
 * record of never reached it.
 */
export const UNCONFIRMED_AFTER_MS = 5 * 60_000;

/** How long a call may take before it counts as a timeout (its outcome is then unknown: verify later). */
const CALL_TIMEOUT_MS = 15_000;

export type PaystackFailure =
  /** No answer in time, or no connection: the call may or may not have happened. */
  | { ok: false; kind: 'unreachable'; message: string }
  /** Paystack answered no (4xx), with its message (and its error code, where it gives one). */
  | { ok: false; kind: 'refused'; message: string; httpStatus: number; code?: string }
  /** 5xx or an answer we cannot read. */
  | { ok: false; kind: 'unavailable'; message: string };
export type PaystackResult<T> = { ok: true; value: T } | PaystackFailure;

/**
 * Paystack has no record under the reference verified ("Transaction reference not found", "Transfer not found"; its
 * API description says 404, other sources 400: either is taken).
 */
export function isNotFound(failure: PaystackFailure): boolean {
  return failure.kind === 'refused' && (failure.httpStatus === 400 || failure.httpStatus === 404) && /not found/i.test(failure.message);
}

const chargeAnswer = z.object({
  reference: z.string(),
  status: z.string(),
  display_text: z.string().optional(),
  gateway_response: z.string().optional(),
  message: z.string().optional(),
});
export type ChargeAnswer = z.infer<typeof chargeAnswer>;

const transactionRecord = z.object({
  id: z.number(),
  status: z.string(),
  reference: z.string(),
  amount: z.number(),
  currency: z.string(),
  gateway_response: z.string().nullable().optional(),
});
export type TransactionRecord = z.infer<typeof transactionRecord>;

const recipientAnswer = z.object({ recipient_code: z.string() });

/** A bank or wallet of Paystack's list; Ghana's banks are of type `ghipss`, the wallets `mobile_money`. */
const listedBank = z.object({ name: z.string(), code: z.string(), type: z.string(), active: z.boolean().optional(), is_deleted: z.boolean().optional() });
export type ListedBank = z.infer<typeof listedBank>;

const transferRecord = z.object({
  reference: z.string(),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
  transfer_code: z.string().nullable().optional(),
  failures: z.unknown().optional(),
  gateway_response: z.string().nullable().optional(),
});
export type TransferRecord = z.infer<typeof transferRecord>;

/** Paystack's bank codes of Ghana's mobile-money wallets, for transfer recipients. */
const RECIPIENT_BANK_CODE = { MTN: 'MTN', Telecel: 'VOD', AirtelTigo: 'ATL' } as const;

const envelope = z.object({ status: z.boolean(), message: z.string().optional(), code: z.string().optional(), data: z.unknown().optional() });

export interface PaystackClient {
  chargeMobileMoney(charge: { email: string; amountPesewas: number; reference: string; network: MomoNetworkName; phone: string }): Promise<PaystackResult<ChargeAnswer>>;
  submitOtp(reference: string, otp: string): Promise<PaystackResult<ChargeAnswer>>;
  /** Paystack's own record of a transaction; `refused` (isNotFound) when it has none under the reference. */
  verify(reference: string): Promise<PaystackResult<TransactionRecord>>;
  /** A mobile-money wallet (network) or a bank account (bank code, `ghipss`) as a transfer recipient; Paystack answers a known account with its recipient. */
  createRecipient(recipient: RecipientDestination & { accountNumber: string; name: string }): Promise<PaystackResult<{ recipient_code: string }>>;
  /** The banks and wallets Paystack pays in Ghana (GHS). */
  listBanks(): Promise<PaystackResult<ListedBank[]>>;
  transfer(transfer: { amountPesewas: number; recipientCode: string; reference: string; reason: string }): Promise<PaystackResult<TransferRecord>>;
  verifyTransfer(reference: string): Promise<PaystackResult<TransferRecord>>;
}

export function createPaystackClient(config: PaystackConfig, timeoutMs = CALL_TIMEOUT_MS): PaystackClient {
  async function call<T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>): Promise<PaystackResult<T>> {
    let response: Response;
    try {
      response = await fetch(`${config.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${config.secretKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, kind: 'unreachable', message: error instanceof Error ? error.message : String(error) };
    }
    const parsed = envelope.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return { ok: false, kind: 'unavailable', message: `unreadable answer (HTTP ${response.status})` };
    const message = parsed.data.message ?? `HTTP ${response.status}`;
    if (response.status >= 500) return { ok: false, kind: 'unavailable', message };
    if (!response.ok || !parsed.data.status) return { ok: false, kind: 'refused', message, httpStatus: response.status, ...(parsed.data.code ? { code: parsed.data.code } : {}) };
    const data = schema.safeParse(parsed.data.data);
    return data.success ? { ok: true, value: data.data } : { ok: false, kind: 'unavailable', message: `unexpected answer to ${path}` };
  }

  return {
    chargeMobileMoney: (charge) =>
      call(
        'POST',
        '/charge',
        {
          email: charge.email,
          amount: charge.amountPesewas,
          currency: 'GHS',
          reference: charge.reference,
          mobile_money: { phone: charge.phone, provider: PROVIDER_OF_NETWORK[charge.network] },
        },
        chargeAnswer,
      ),
    submitOtp: (reference, otp) => call('POST', '/charge/submit_otp', { otp, reference }, chargeAnswer),
    verify: (reference) => call('GET', `/transaction/verify/${encodeURIComponent(reference)}`, undefined, transactionRecord),
    createRecipient: (recipient) =>
      call(
        'POST',
        '/transferrecipient',
        {
          ...(recipient.network === undefined ? { type: 'ghipss', bank_code: recipient.bankCode } : { type: 'mobile_money', bank_code: RECIPIENT_BANK_CODE[recipient.network] }),
          name: recipient.name,
          account_number: recipient.accountNumber,
          currency: 'GHS',
        },
        recipientAnswer,
      ),
    // 100 a page, Paystack's most: Ghana's banks and wallets fit in one.
    listBanks: () => call('GET', '/bank?currency=GHS&perPage=100', undefined, z.array(listedBank)),
    transfer: (transfer) =>
      call(
        'POST',
        '/transfer',
        { source: 'balance', amount: transfer.amountPesewas, recipient: transfer.recipientCode, reference: transfer.reference, reason: transfer.reason, currency: 'GHS' },
        transferRecord,
      ),
    verifyTransfer: (reference) => call('GET', `/transfer/verify/${encodeURIComponent(reference)}`, undefined, transferRecord),
  };
}

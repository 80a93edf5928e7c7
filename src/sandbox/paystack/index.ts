import { createHmac, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Paystack on 127.0.0.1, written from Paystack's public documentation (what was assumed is in
 * docs/decisions.md) and as strict as we know Paystack to be: it checks the secret key, refuses a reused reference
 * and an amount that is not a whole number of pesewas, and answers verify from its own record. The payer's side is
 * played by the test or the sandbox: approve or decline the prompt, and for Telecel type the OTP first. Webhooks
 * are signed as Paystack signs them (HMAC-SHA512 of the raw body with the secret key, hex, in x-paystack-signature),
 * and can be duplicated, delayed, forged or signed wrongly.
 */

/** Paystack's provider codes for Ghana's networks: Telecel (ex Vodafone) is `vod`, AirtelTigo `atl`. */
export const PROVIDER_CODES = { mtn: 'MTN', vod: 'Telecel', atl: 'AirtelTigo' } as const;
type ProviderCode = keyof typeof PROVIDER_CODES;

/** The OTP the fake Telecel network "sends" to the payer. */
export const FAKE_TELECEL_OTP = '123456';

export type FakeChargeStatus = 'send_otp' | 'pay_offline' | 'success' | 'failed' | 'abandoned';

export interface FakeCharge {
  id: number;
  reference: string;
  /** Pesewas, as charged. */
  amount: number;
  currency: string;
  email: string;
  phone: string;
  provider: ProviderCode;
  status: FakeChargeStatus;
  gatewayResponse: string;
  paidAt: string | null;
  createdAt: string;
}

/**
 * Ghana's banks (`ghipss`) as Paystack's `GET /bank?currency=GHS` lists them, with the wallets (`mobile_money`): names
 * and codes as two independent third-party copies of the list agree on them; the wallets' codes `MTN`, `VOD` and `ATL`
 * are the transfer recipients' bank codes of Ghana's networks. Never checked live (docs/decisions.md).
 */
export const GHANA_BANK_LIST: readonly { name: string; code: string; type: 'ghipss' | 'mobile_money' }[] = [
  ...(
    [
      ['Absa Bank Ghana Ltd', '030100'],
      ['Access Bank', '280100'],
      ['ADB Bank Limited', '080100'],
      ['ARB Apex Bank', '070101'],
      ['Bank of Africa Ghana', '210100'],
      ['Bank of Ghana', '010100'],
      ['Best Point Savings and Loans', '300335'],
      ['CAL Bank Limited', '140100'],
      ['Consolidated Bank Ghana Limited', '340100'],
      ['Ecobank Ghana Limited', '130100'],
      ['FBNBank Ghana Limited', '200100'],
      ['Fidelity Bank Ghana Limited', '240100'],
      ['First Atlantic Bank Limited', '170100'],
      ['First National Bank Ghana Limited', '330100'],
      ['GCB Bank Limited', '040100'],
      ['Guaranty Trust Bank (Ghana) Limited', '230100'],
      ['National Investment Bank Limited', '050100'],
      ['OmniBSCI Bank', '360100'],
      ['Prudential Bank Limited', '180100'],
      ['Republic Bank (GH) Limited', '110100'],
      ['Services Integrity Savings and Loans', '300361'],
      ['Société Générale Ghana Limited', '090100'],
      ['Stanbic Bank Ghana Limited', '190100'],
      ['Standard Chartered Bank Ghana Limited', '020100'],
      ['United Bank for Africa Ghana Limited', '060100'],
      ['Universal Merchant Bank Ghana Limited', '100100'],
      ['Zenith Bank Ghana', '120100'],
    ] as const
  ).map(([name, code]) => ({ name, code, type: 'ghipss' as const })),
  { name: 'MTN', code: 'MTN', type: 'mobile_money' },
  { name: 'Vodafone', code: 'VOD', type: 'mobile_money' },
  { name: 'AirtelTigo', code: 'ATL', type: 'mobile_money' },
];

export interface FakeRecipient {
  code: string;
  type: 'mobile_money' | 'ghipss';
  name: string;
  accountNumber: string;
  bankCode: string;
}

export type FakeTransferStatus = 'pending' | 'otp' | 'success' | 'failed' | 'reversed';

export interface FakeTransfer {
  id: number;
  transferCode: string;
  reference: string;
  /** Pesewas. */
  amount: number;
  currency: string;
  recipient: string;
  reason: string;
  status: FakeTransferStatus;
  failureReason: string | null;
}

export interface WebhookOptions {
  /** Deliver the same event this many times (Paystack retries; at-least-once). Default 1. */
  copies?: number;
  /** Wait this long before delivering (a late webhook). */
  delayMs?: number;
  /** Sign with another key, as an impostor would. */
  wrongSignature?: boolean;
  /** Replace data fields in the body (a forged or lying webhook), still signed with the right key unless wrongSignature. */
  override?: Record<string, unknown>;
}

export interface FakePaystackOptions {
  secretKey?: string;
  /** Where webhooks go; can be set later with `webhookUrl`. */
  webhookUrl?: string;
  /** Send charge.success (transfer.success) on its own when a prompt is approved (a transfer completes); default true. */
  autoWebhooks?: boolean;
}

export interface DeliveredWebhook {
  body: string;
  status: number | null;
}

interface ApiError {
  status: number;
  message: string;
  /** Paystack's error code beside the message, where it gives one. */
  code?: string;
}

export class FakePaystack {
  readonly secretKey: string;
  apiUrl = '';
  webhookUrl: string | undefined;
  autoWebhooks: boolean;
  readonly charges = new Map<string, FakeCharge>();
  readonly recipients = new Map<string, FakeRecipient>();
  readonly transfers = new Map<string, FakeTransfer>();
  /** Transfers wait for an OTP, as when OTP finalisation is left on in the dashboard. */
  transfersNeedOtp = false;
  /** Every webhook delivery attempted and the status the bot answered (null: unreachable). */
  readonly deliveries: DeliveredWebhook[] = [];
  /** Every API call, for tests: method, path and the answer's HTTP status. */
  readonly calls: { method: string; path: string; status: number }[] = [];
  /** Called when a charge is created or changes (the sandbox shows the prompt in the payer's pane). */
  onChange: ((charge: FakeCharge) => void) | undefined;
  #server: Server | undefined;
  #nextId = 1_000_000 + randomInt(1000);
  #stallNext = 0;
  #unavailableNext = 0;
  #pending = new Set<Promise<unknown>>();

  constructor(options: FakePaystackOptions = {}) {
    this.secretKey = options.secretKey ?? 'sk_test_fakepaystack0000000000000000';
    this.webhookUrl = options.webhookUrl;
    this.autoWebhooks = options.autoWebhooks ?? true;
  }

  static async start(options: FakePaystackOptions = {}): Promise<FakePaystack> {
    const fake = new FakePaystack(options);
    const server = createServer((request, response) => void fake.#handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.#server = server;
    fake.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `count` API calls hang (longer than any client waits), as a provider that times out. */
  stallNext(count = 1): void {
    this.#stallNext += count;
  }

  /** Paystack forgets a recipient (deleted in the dashboard, or made under another key): transfers to it are refused. */
  forgetRecipient(code: string): void {
    if (!this.recipients.delete(code)) throw new Error(`no recipient ${code}`);
  }

  /** The next `count` API calls are answered 503, as a provider having an outage. */
  failNext(count = 1): void {
    this.#unavailableNext += count;
  }

  /** The charge with this reference (throws when there is none). */
  charge(reference: string): FakeCharge {
    const charge = this.charges.get(reference);
    if (!charge) throw new Error(`no charge ${reference}`);
    return charge;
  }

  /** The newest charge to this phone number, if any. */
  latestChargeTo(phone: string): FakeCharge | undefined {
    return [...this.charges.values()].filter((charge) => charge.phone === phone).at(-1);
  }

  /** The payer approves the prompt on their phone: the charge succeeds and (unless turned off) charge.success is sent. */
  async approve(reference: string, webhook: WebhookOptions = {}): Promise<void> {
    const charge = this.charge(reference);
    if (charge.status !== 'pay_offline') throw new Error(`charge ${reference} is ${charge.status}, not waiting for approval`);
    charge.status = 'success';
    charge.gatewayResponse = 'Approved';
    charge.paidAt = new Date().toISOString();
    this.onChange?.(charge);
    if (this.autoWebhooks) await this.sendChargeSuccess(reference, webhook);
  }

  /** The payer declines the prompt (or lets it lapse): the charge fails. Paystack documents no webhook for this. */
  decline(reference: string, reason = 'Declined by the payer'): void {
    const charge = this.charge(reference);
    if (charge.status !== 'pay_offline' && charge.status !== 'send_otp') throw new Error(`charge ${reference} is ${charge.status}, not waiting`);
    charge.status = 'failed';
    charge.gatewayResponse = reason;
    this.onChange?.(charge);
  }

  /** A failed charge is paid after all (the network confirmed it late), and charge.success is sent. */
  async succeedAfterFailure(reference: string, webhook: WebhookOptions = {}): Promise<void> {
    const charge = this.charge(reference);
    if (charge.status !== 'failed' && charge.status !== 'abandoned') throw new Error(`charge ${reference} is ${charge.status}, not failed`);
    charge.status = 'success';
    charge.gatewayResponse = 'Approved';
    charge.paidAt = new Date().toISOString();
    this.onChange?.(charge);
    if (this.autoWebhooks) await this.sendChargeSuccess(reference, webhook);
  }

  /** The provider's record says another amount was charged (a fault the bot must catch). */
  setChargedAmount(reference: string, pesewas: number): void {
    this.charge(reference).amount = pesewas;
  }

  /** A transfer goes through: success, and transfer.success is sent (unless autoWebhooks is off). */
  async completeTransfer(reference: string, webhook: WebhookOptions = {}): Promise<void> {
    const transfer = this.#transfer(reference, 'pending');
    transfer.status = 'success';
    if (this.autoWebhooks) await this.sendWebhook('transfer.success', { ...this.#transferRecord(transfer), ...webhook.override }, webhook);
  }

  /** A transfer fails (or is reversed after it was pending), and transfer.failed (transfer.reversed) is sent. */
  async failTransfer(reference: string, reason: string, options: { reversed?: boolean } = {}): Promise<void> {
    const transfer = this.#transfer(reference, 'pending');
    transfer.status = options.reversed ? 'reversed' : 'failed';
    transfer.failureReason = reason;
    await this.sendWebhook(options.reversed ? 'transfer.reversed' : 'transfer.failed', this.#transferRecord(transfer));
  }

  /** A transfer that went through comes back (Paystack refunds the balance), and transfer.reversed is sent. */
  async reverseTransfer(reference: string, reason: string): Promise<void> {
    const transfer = this.#transfer(reference, 'success');
    transfer.status = 'reversed';
    transfer.failureReason = reason;
    await this.sendWebhook('transfer.reversed', this.#transferRecord(transfer));
  }

  /** Paystack has no record of the transfer, as when the bot's call timed out before it arrived. */
  forgetTransfer(reference: string): void {
    this.transfer(reference);
    this.transfers.delete(reference);
  }

  /** A transfer waiting for its OTP is finalised in the dashboard: success, and transfer.success is sent. */
  async finalizeTransfer(reference: string): Promise<void> {
    const transfer = this.#transfer(reference, 'otp');
    transfer.status = 'success';
    await this.sendWebhook('transfer.success', this.#transferRecord(transfer));
  }

  transfer(reference: string): FakeTransfer {
    const transfer = this.transfers.get(reference);
    if (!transfer) throw new Error(`no transfer ${reference}`);
    return transfer;
  }

  #transfer(reference: string, status: FakeTransferStatus): FakeTransfer {
    const transfer = this.transfer(reference);
    if (transfer.status !== status) throw new Error(`transfer ${reference} is ${transfer.status}, not ${status}`);
    return transfer;
  }

  #transferRecord(transfer: FakeTransfer): Record<string, unknown> {
    const recipient = this.recipients.get(transfer.recipient);
    return {
      id: transfer.id,
      transfer_code: transfer.transferCode,
      reference: transfer.reference,
      amount: transfer.amount,
      currency: transfer.currency,
      source: 'balance',
      reason: transfer.reason,
      status: transfer.status,
      failures: transfer.failureReason ? { reason: transfer.failureReason } : null,
      gateway_response: transfer.failureReason,
      recipient: recipient ? { recipient_code: recipient.code, name: recipient.name, details: { account_number: recipient.accountNumber, bank_code: recipient.bankCode } } : null,
    };
  }

  /** Sends charge.success for a charge, from the fake's record (with `override` to lie). */
  sendChargeSuccess(reference: string, options: WebhookOptions = {}): Promise<void> {
    const charge = this.charge(reference);
    return this.sendWebhook('charge.success', { ...this.#transaction(charge), ...options.override }, options);
  }

  /** Posts an event to the webhook URL, signed (or not), `copies` times, after `delayMs`. */
  async sendWebhook(event: string, data: Record<string, unknown>, options: WebhookOptions = {}): Promise<void> {
    const url = this.webhookUrl;
    if (!url) throw new Error('the fake Paystack has no webhook URL');
    const body = JSON.stringify({ event, data });
    const key = options.wrongSignature ? `${this.secretKey}-not` : this.secretKey;
    const signature = createHmac('sha512', key).update(body).digest('hex');
    const delivery = (async () => {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      for (let copy = 0; copy < (options.copies ?? 1); copy += 1) {
        const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-paystack-signature': signature }, body })
          .then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          })
          .catch(() => null);
        this.deliveries.push({ body, status });
      }
    })();
    this.#pending.add(delivery);
    try {
      // A delayed webhook is not awaited by the caller: it arrives later, on its own.
      if (!options.delayMs) await delivery;
    } finally {
      if (!options.delayMs) this.#pending.delete(delivery);
      else void delivery.finally(() => this.#pending.delete(delivery));
    }
  }

  #transaction(charge: FakeCharge): Record<string, unknown> {
    return {
      id: charge.id,
      domain: 'test',
      status: charge.status,
      reference: charge.reference,
      amount: charge.amount,
      gateway_response: charge.gatewayResponse,
      paid_at: charge.paidAt,
      created_at: charge.createdAt,
      channel: 'mobile_money',
      currency: charge.currency,
      customer: { email: charge.email },
      authorization: { channel: 'mobile_money', bank: PROVIDER_CODES[charge.provider], mobile_money_number: charge.phone },
    };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake.paystack');
    const path = url.pathname;
    const answer = (status: number, body: unknown) => {
      this.calls.push({ method: request.method ?? '', path, status });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.#stallNext > 0) {
      this.#stallNext -= 1;
      this.calls.push({ method: request.method ?? '', path, status: 0 });
      return; // never answered; the connection is closed at stop
    }
    if (this.#unavailableNext > 0) {
      this.#unavailableNext -= 1;
      answer(503, { status: false, message: 'Service unavailable, please try again' });
      return;
    }
    if (request.headers.authorization !== `Bearer ${this.secretKey}`) {
      answer(401, { status: false, message: 'Invalid key' });
      return;
    }
    let body: Record<string, unknown> = {};
    if (request.method === 'POST') {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        answer(400, { status: false, message: 'Invalid JSON body' });
        return;
      }
    }
    const result = this.#route(request.method ?? '', path, body, url.searchParams);
    if ('status' in result && typeof result.status === 'number') answer(result.status, { status: false, message: result.message, ...(result.code ? { code: result.code } : {}) });
    else answer(200, { status: true, ...result });
  }

  #route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): ApiError | { message: string; data: unknown } {
    if (method === 'GET' && path === '/bank') {
      // Without a currency Paystack lists Nigeria's banks, which this fake does not hold.
      if (query.get('currency') !== 'GHS') return { status: 400, message: 'The fake Paystack lists Ghana\'s banks only: ask with currency=GHS' };
      return { message: 'Banks retrieved', data: GHANA_BANK_LIST.map((bank, index) => ({ id: 300 + index, ...bank, slug: bank.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), longcode: '', active: true, is_deleted: false, country: 'Ghana', currency: 'GHS' })) };
    }
    if (method === 'POST' && path === '/charge') return this.#createCharge(body);
    if (method === 'POST' && path === '/charge/submit_otp') return this.#submitOtp(body);
    if (method === 'POST' && path === '/transferrecipient') return this.#createRecipient(body);
    if (method === 'POST' && path === '/transfer') return this.#createTransfer(body);
    const transferVerify = /^\/transfer\/verify\/([^/]+)$/.exec(path);
    if (method === 'GET' && transferVerify?.[1]) {
      const transfer = this.transfers.get(decodeURIComponent(transferVerify[1]));
      if (!transfer) return { status: 404, message: 'Transfer not found' };
      return { message: 'Transfer retrieved', data: this.#transferRecord(transfer) };
    }
    const verify = /^\/transaction\/verify\/([^/]+)$/.exec(path);
    if (method === 'GET' && verify?.[1]) {
      const charge = this.charges.get(decodeURIComponent(verify[1]));
      if (!charge) return { status: 404, message: 'Transaction reference not found' };
      // Paystack reports a charge still waiting on the payer as ongoing.
      const data = this.#transaction(charge);
      return { message: 'Verification successful', data: { ...data, status: charge.status === 'pay_offline' || charge.status === 'send_otp' ? 'ongoing' : charge.status } };
    }
    return { status: 404, message: `No route ${method} ${path}` };
  }

  #createCharge(body: Record<string, unknown>): ApiError | { message: string; data: unknown } {
    const { amount, email, currency, reference } = body;
    const mobileMoney = body.mobile_money as { phone?: unknown; provider?: unknown } | undefined;
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) return { status: 400, message: 'Invalid Email Address Passed' };
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return { status: 400, message: 'Invalid Amount Sent' };
    if (currency !== 'GHS') return { status: 400, message: 'Currency not supported by merchant' };
    if (typeof reference !== 'string' || !/^[\w.=-]{1,100}$/.test(reference)) return { status: 400, message: 'Invalid reference' };
    if (this.charges.has(reference)) return { status: 400, message: 'Duplicate Transaction Reference' };
    if (!mobileMoney || typeof mobileMoney.phone !== 'string' || !/^0\d{9}$/.test(mobileMoney.phone)) return { status: 400, message: 'Invalid phone number' };
    if (typeof mobileMoney.provider !== 'string' || !(mobileMoney.provider in PROVIDER_CODES)) return { status: 400, message: 'Invalid provider' };
    const provider = mobileMoney.provider as ProviderCode;
    // Telecel asks the payer for an OTP (a voucher) before the prompt; MTN and AirtelTigo prompt at once.
    const status: FakeChargeStatus = provider === 'vod' ? 'send_otp' : 'pay_offline';
    const charge: FakeCharge = {
      id: this.#nextId++,
      reference,
      amount,
      currency,
      email,
      phone: mobileMoney.phone,
      provider,
      status,
      gatewayResponse: '',
      paidAt: null,
      createdAt: new Date().toISOString(),
    };
    this.charges.set(reference, charge);
    this.onChange?.(charge);
    return { message: 'Charge attempted', data: this.#chargeAnswer(charge) };
  }

  #createRecipient(body: Record<string, unknown>): ApiError | { message: string; data: unknown } {
    const { type, name, account_number: accountNumber, bank_code: bankCode, currency } = body;
    // A wallet (`mobile_money`, its number in local form) or a bank account (`ghipss`), at a code of the same type in the list.
    if (type !== 'mobile_money' && type !== 'ghipss') return { status: 400, message: 'Recipient type not supported' };
    if (typeof name !== 'string' || name.trim() === '') return { status: 400, message: 'Name is required' };
    const accountPattern = type === 'ghipss' ? /^\d{8,20}$/ : /^0\d{9}$/;
    if (typeof accountNumber !== 'string' || !accountPattern.test(accountNumber)) return { status: 400, message: 'Invalid account number' };
    if (typeof bankCode !== 'string' || !GHANA_BANK_LIST.some((bank) => bank.type === type && bank.code === bankCode)) return { status: 400, message: 'Bank is invalid', code: 'invalid_bank_code' };
    if (currency !== 'GHS') return { status: 400, message: 'Currency not supported' };
    // Paystack answers an account it knows with the recipient it made before.
    const known = [...this.recipients.values()].find((recipient) => recipient.accountNumber === accountNumber && recipient.bankCode === bankCode);
    const recipient = known ?? { code: `RCP_${(this.#nextId++).toString(36)}`, type, name, accountNumber, bankCode };
    this.recipients.set(recipient.code, recipient);
    return { message: 'Transfer recipient created successfully', data: { recipient_code: recipient.code, type, name: recipient.name, currency, details: { account_number: accountNumber, bank_code: bankCode } } };
  }

  #createTransfer(body: Record<string, unknown>): ApiError | { message: string; data: unknown } {
    const { source, amount, recipient, reference, reason, currency } = body;
    if (source !== 'balance') return { status: 400, message: 'Invalid source' };
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return { status: 400, message: 'Invalid amount' };
    if (typeof recipient !== 'string' || !this.recipients.has(recipient)) return { status: 400, message: 'Recipient specified is invalid', code: 'invalid_transfer_recipient' };
    if (typeof reference !== 'string' || !/^[a-z0-9_-]{16,50}$/.test(reference)) return { status: 400, message: 'Invalid reference: use 16 to 50 lowercase letters, digits, - or _' };
    if (this.transfers.has(reference)) return { status: 400, message: 'Please provide a unique reference. Reference already exists on a transfer' };
    if (currency !== 'GHS') return { status: 400, message: 'Currency not supported' };
    const id = this.#nextId++;
    const transfer: FakeTransfer = {
      id,
      transferCode: `TRF_${id.toString(36)}`,
      reference,
      amount,
      currency,
      recipient,
      reason: typeof reason === 'string' ? reason : '',
      status: this.transfersNeedOtp ? 'otp' : 'pending',
      failureReason: null,
    };
    this.transfers.set(reference, transfer);
    return { message: this.transfersNeedOtp ? 'Transfer requires OTP to continue' : 'Transfer has been queued', data: this.#transferRecord(transfer) };
  }

  #submitOtp(body: Record<string, unknown>): ApiError | { message: string; data: unknown } {
    const { otp, reference } = body;
    if (typeof otp !== 'string' || typeof reference !== 'string') return { status: 400, message: 'otp and reference are required' };
    const charge = this.charges.get(reference);
    if (!charge) return { status: 400, message: 'Transaction reference not found' };
    if (charge.status !== 'send_otp') return { status: 400, message: 'Transaction is not awaiting an OTP' };
    // Paystack's error for a wrong mobile-money OTP; the charge still waits for the right one.
    if (otp !== FAKE_TELECEL_OTP) return { status: 400, message: 'Provided registration token is invalid' };
    charge.status = 'pay_offline';
    this.onChange?.(charge);
    return { message: 'Charge attempted', data: this.#chargeAnswer(charge) };
  }

  #chargeAnswer(charge: FakeCharge): Record<string, unknown> {
    const displayText =
      charge.status === 'send_otp' ? 'Please dial *110# to generate a voucher code and enter it' : 'Please complete authorization process on your mobile phone';
    return { reference: charge.reference, status: charge.status, display_text: displayText };
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { FakePaystack, GHANA_BANK_LIST } from '../src/sandbox/paystack/index.ts';
import { createPaystackClient, isNotFound } from '../src/services/paystack/client.ts';

const BASE_ENV = { BOT_TOKEN: '123456:ABC-def', ADMIN_CHAT_ID: '-1001234567890' };
const KEY = 'sk_test_0123456789abcdef0123';

describe('Paystack configuration', () => {
  it('is off without a key, and on with one (and PORT in long polling)', () => {
    expect(loadConfig(BASE_ENV).paystack).toBeUndefined();
    expect(loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: KEY, PORT: '8080' }).paystack).toEqual({ secretKey: KEY, apiUrl: 'https://api.paystack.co' });
    expect(loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: KEY, PORT: '8080', PAYSTACK_API_URL: 'http://127.0.0.1:9/' }).paystack?.apiUrl).toBe('http://127.0.0.1:9');
  });

  it('stops start-up with a line naming the variable for a bad key, a bad URL, or no PORT in long polling', () => {
    expect(() => loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: 'pk_live_abc', PORT: '8080' })).toThrow(/PAYSTACK_SECRET_KEY is not a Paystack secret key/);
    expect(() => loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: KEY, PORT: '8080', PAYSTACK_API_URL: 'ftp://x' })).toThrow(/PAYSTACK_API_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: KEY })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE_ENV, PAYSTACK_SECRET_KEY: KEY })).toThrow(/PORT is required with PAYSTACK_SECRET_KEY/);
  });
});

describe('the fake Paystack', () => {
  let fake: FakePaystack;
  beforeEach(async () => {
    fake = await FakePaystack.start();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const charge = { email: 'kofi@example.com', amountPesewas: 25000, reference: 'DEP-TEST0001-1', network: 'MTN' as const, phone: '0241234567' };

  it('checks the key, refuses a reused reference and an amount that is not whole pesewas', async () => {
    const wrongKey = createPaystackClient({ secretKey: 'sk_test_wrongwrongwrong', apiUrl: fake.apiUrl });
    expect(await wrongKey.chargeMobileMoney(charge)).toMatchObject({ ok: false, kind: 'refused', httpStatus: 401 });
    const client = createPaystackClient({ secretKey: fake.secretKey, apiUrl: fake.apiUrl });
    expect(await client.chargeMobileMoney(charge)).toMatchObject({ ok: true, value: { status: 'pay_offline' } });
    expect(await client.chargeMobileMoney(charge)).toMatchObject({ ok: false, kind: 'refused', message: 'Duplicate Transaction Reference' });
    expect(await client.chargeMobileMoney({ ...charge, reference: 'DEP-TEST0001-2', amountPesewas: 250.5 })).toMatchObject({ ok: false, message: 'Invalid Amount Sent' });
  });

  it('answers verify from its own record, and times out when told to', async () => {
    const client = createPaystackClient({ secretKey: fake.secretKey, apiUrl: fake.apiUrl }, 300);
    const unknown = await client.verify('DEP-NONE');
    expect(unknown).toMatchObject({ ok: false, kind: 'refused', httpStatus: 404, message: 'Transaction reference not found' });
    expect(!unknown.ok && isNotFound(unknown)).toBe(true);
    await client.chargeMobileMoney(charge);
    expect(await client.verify(charge.reference)).toMatchObject({ ok: true, value: { status: 'ongoing', amount: 25000, currency: 'GHS' } });
    fake.autoWebhooks = false;
    await fake.approve(charge.reference);
    expect(await client.verify(charge.reference)).toMatchObject({ ok: true, value: { status: 'success', reference: charge.reference } });
    fake.stallNext();
    expect(await client.verify(charge.reference)).toMatchObject({ ok: false, kind: 'unreachable' });
  });
  it("lists Ghana's banks, and makes a bank recipient (ghipss) only at a listed bank's code", async () => {
    const client = createPaystackClient({ secretKey: fake.secretKey, apiUrl: fake.apiUrl });
    const listed = await client.listBanks();
    expect(listed.ok && listed.value.find((bank) => bank.name === 'GCB Bank Limited')).toMatchObject({ code: '040100', type: 'ghipss' });
    expect(listed.ok && listed.value.filter((bank) => bank.type === 'mobile_money').map((bank) => bank.code)).toEqual(['MTN', 'VOD', 'ATL']);
    const account = { accountNumber: '1234567890123', name: 'Kofi Test' };
    expect(await client.createRecipient({ bankCode: '999999', ...account })).toMatchObject({ ok: false, kind: 'refused', httpStatus: 400, message: 'Bank is invalid', code: 'invalid_bank_code' });
    // A wallet's code is no bank's: a ghipss recipient at MTN is refused too.
    expect(await client.createRecipient({ bankCode: 'MTN', ...account })).toMatchObject({ ok: false, message: 'Bank is invalid' });
    const made = await client.createRecipient({ bankCode: '040100', ...account });
    expect(made.ok).toBe(true);
    expect([...fake.recipients.values()]).toEqual([{ code: made.ok ? made.value.recipient_code : '', type: 'ghipss', name: 'Kofi Test', accountNumber: '1234567890123', bankCode: '040100' }]);
    expect(GHANA_BANK_LIST.filter((bank) => bank.type === 'ghipss').length).toBeGreaterThan(20);
  });

  it('refuses a transfer to a recipient it forgot, with Paystack\'s words', async () => {
    const client = createPaystackClient({ secretKey: fake.secretKey, apiUrl: fake.apiUrl });
    const made = await client.createRecipient({ network: 'MTN', accountNumber: '0241234567', name: 'Kofi Test' });
    const code = made.ok ? made.value.recipient_code : '';
    const transfer = { amountPesewas: 5000, recipientCode: code, reason: 'Withdrawal' };
    expect(await client.transfer({ ...transfer, reference: 'wd-test0001-payout-1' })).toMatchObject({ ok: true, value: { status: 'pending' } });
    fake.forgetRecipient(code);
    expect(await client.transfer({ ...transfer, reference: 'wd-test0001-payout-2' })).toMatchObject({
      ok: false,
      kind: 'refused',
      httpStatus: 400,
      message: 'Recipient specified is invalid',
      code: 'invalid_transfer_recipient',
    });
    // Made again, Paystack gives the account a new recipient.
    const again = await client.createRecipient({ network: 'MTN', accountNumber: '0241234567', name: 'Kofi Test' });
    expect(again.ok && again.value.recipient_code).not.toBe(code);
  });
});

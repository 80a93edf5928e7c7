import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakePaystack } from '../src/sandbox/paystack/index.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot, type TestBotOptions } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { listOpenChargesToCheck } from '../src/db/paystackCharges.ts';
import { Big } from '../src/services/common/amounts.ts';
import { startOfDay } from '../src/services/common/calendar.ts';
import type { PaystackReconciliation } from '../src/services/paystack/paystack.ts';
import { balances, cardFor, expectLedgerMatchesWallets, referenceIn, setPrice, TestClock, verifiedUser, withdrawToBankInChat, withdrawToMomoInChat } from './support/flows.ts';

const ADMIN_ID = 940001;
const MINUTE = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let paystack: FakePaystack;
let bot: TestBot;
let clock: TestClock;
let admin: TestUser;
let nextUserId = 7000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function startBot(options: Partial<TestBotOptions> = {}): Promise<TestBot> {
  const started = await startTestBot({
    db,
    tg,
    adminIds: [ADMIN_ID],
    clock: clock.now,
    rateLimit: { updates: 200, perMilliseconds: 10_000 },
    paystack: { secretKey: paystack.secretKey, apiUrl: paystack.apiUrl },
    ...options,
  });
  paystack.webhookUrl = started.paystackWebhookUrl;
  return started;
}

beforeEach(async () => {
  // Each test has a Telegram of its own: what earlier tests left in the queues is not for it.
  await db.query('DELETE FROM paystack_events');
  await db.query('UPDATE notifications SET sent_at = now() WHERE sent_at IS NULL');
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  // …nor the payments, payouts and recipients they left: this test's Paystack never heard of them.
  await db.query("UPDATE paystack_charges SET status = 'failed', settled_at = now() WHERE settled_at IS NULL");
  await db.query("UPDATE paystack_transfers SET status = 'failed', settled_at = now() WHERE settled_at IS NULL");
  await db.query('UPDATE paystack_recipients SET refused_at = now() WHERE refused_at IS NULL');
  tg = await FakeTelegram.start();
  paystack = await FakePaystack.start();
  clock = new TestClock();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startBot();
});
afterEach(async () => {
  await bot.stop();
  await paystack.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
  await expectLedgerMatchesWallets(db);
});

function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

function chargeReferenceIn(message: ChatMessage): string {
  const reference = /(?:DEP|BUY)-[0-9A-Z]{8}-\d+/.exec(message.text ?? '')?.[0];
  expect(reference, `a charge reference in: ${message.text ?? ''}`).toBeDefined();
  return reference ?? '';
}

/** /deposit → Mobile money (instant) → amount → network → the registered number, up to the prompt (or the OTP question). */
async function instantDeposit(user: TestUser, amount: string, network = 'MTN'): Promise<void> {
  await user.send('/deposit');
  await user.tap(await tg.waitForMessage(user.id, 'How will you send the cedis?'), '⚡ Mobile money (instant)');
  await tg.waitForMessage(user.id, 'How much will you deposit?');
  await user.send(amount);
  await user.tap(await tg.waitForMessage(user.id, 'Which network is your wallet on?'), network);
  await user.tap(await tg.waitForMessage(user.id, `Which ${network} number will pay?`), 'Use 0241234567');
}

async function promptOf(user: TestUser): Promise<{ prompt: ChatMessage; reference: string }> {
  const prompt = await tg.waitForMessage(user.id, 'Approve the prompt on your phone');
  return { prompt, reference: chargeReferenceIn(prompt) };
}

async function depositOf(reference: string): Promise<{ status: string; amount: string }> {
  const [row] = await db.query<{ status: string; amount: string }>(
    'SELECT d.status, d.amount FROM cash_deposits d JOIN paystack_charges c ON c.deposit_id = d.id WHERE c.reference = $1',
    [reference],
  );
  if (!row) throw new Error(`no deposit for ${reference}`);
  return row;
}

async function creditsOf(user: TestUser): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id JOIN users u ON u.id = w.user_id
      WHERE u.telegram_id = $1 AND l.reason = 'deposit_approved'`,
    [user.id],
  );
  return row?.count ?? 0;
}

/** The user's ledger rows whose reason starts with `prefix`, by reason. */
async function ledgerReasonsOf(user: TestUser, prefix: string): Promise<string[]> {
  const rows = await db.query<{ reason: string }>(
    `SELECT l.reason FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id JOIN users u ON u.id = w.user_id
      WHERE u.telegram_id = $1 AND l.reason LIKE $2 ORDER BY l.reason`,
    [user.id, `${prefix}%`],
  );
  return rows.map((row) => row.reason);
}

async function reconcileToday(): Promise<PaystackReconciliation> {
  const day = await bot.services.paystack?.reconcileDay(startOfDay(clock.now()));
  if (!day) throw new Error('Paystack is off');
  return day;
}

/** Cedis deposited instantly, then a withdrawal of `amount` to the user's MTN wallet, up to its card. */
async function paystackPayout(user: TestUser, deposit: string, amount: string): Promise<{ card: ChatMessage; withdrawal: string; withdrawalId: number }> {
  await instantDeposit(user, deposit);
  await paystack.approve((await promptOf(user)).reference);
  await tg.waitForMessage(user.id, 'is now in your wallet');
  await withdrawToMomoInChat(tg, user, amount);
  const withdrawal = referenceIn(await tg.waitForMessage(user.id, 'is reserved for your withdrawal'), 'WD');
  const [row] = await db.query<{ id: string }>('SELECT id FROM cash_withdrawals WHERE reference = $1', [withdrawal]);
  return { card: await cardFor(tg, withdrawal), withdrawal, withdrawalId: Number(row?.id) };
}

describe('instant deposits by Paystack', () => {
  it('credits once for five duplicate webhooks and refuses one with a wrong signature, with no admin step', async () => {
    const kofi = await newUser('Kofi');
    await instantDeposit(kofi, '250');
    const { reference } = await promptOf(kofi);
    expect(paystack.charge(reference)).toMatchObject({ amount: 25000, currency: 'GHS', phone: '0241234567', provider: 'mtn' });

    await paystack.approve(reference, { wrongSignature: true });
    expect(paystack.deliveries.map((delivery) => delivery.status)).toEqual([401]);
    await bot.services.paystack?.processEvents();
    expect((await balances(db, kofi)).balance_cedis).toBe('0.00');
    expect(await db.query('SELECT id FROM paystack_events')).toEqual([]);

    await paystack.sendChargeSuccess(reference, { copies: 5 });
    expect(paystack.deliveries.slice(1).map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
    await tg.waitForMessage(kofi.id, `of GHS 250.00 is now in your wallet`);
    await bot.services.paystack?.processEvents();
    expect((await balances(db, kofi)).balance_cedis).toBe('250.00');
    expect(await creditsOf(kofi)).toBe(1);
    expect(await db.query('SELECT event FROM paystack_events')).toEqual([{ event: 'charge.success' }]);
    expect(await depositOf(reference)).toMatchObject({ status: 'approved' });
    const audit = await db.query<{ admin_name: string; admin_telegram_id: number }>(
      `SELECT a.admin_name, a.admin_telegram_id FROM admin_audit_log a JOIN paystack_charges c ON c.deposit_id = a.subject_id
        WHERE a.subject_kind = 'deposit' AND a.action = 'approve' AND c.reference = $1`,
      [reference],
    );
    expect(audit).toEqual([{ admin_name: 'Paystack', admin_telegram_id: '0' }]);
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes(reference.slice(0, 12)))).toEqual([]);

    await admin.send('/stats', { chatId: ADMIN_CHAT_ID });
    const today = await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack today');
    expect(today.text).toContain('Collected: GHS 250.00 confirmed by Paystack in 1 payment(s); in the ledger GHS 250.00 credited, GHS 0.00 awaiting an admin.');
    expect(today.text).toContain('Paystack and the ledger agree');
  });

  it('credits nothing for a webhook claiming more than was charged, and alerts the admins when Paystack charged another amount', async () => {
    const ama = await newUser('Ama');
    await instantDeposit(ama, '250');
    const { reference } = await promptOf(ama);
    // Signed, but Paystack's own record says the prompt is still waiting: the webhook's words move nothing.
    await paystack.sendChargeSuccess(reference, { override: { status: 'success', amount: 9_999_900 } });
    await bot.services.paystack?.processEvents();
    expect((await balances(db, ama)).balance_cedis).toBe('0.00');

    paystack.setChargedAmount(reference, 20000);
    await paystack.approve(reference, { override: { amount: 25000 } });
    await tg.waitForMessage(ama.id, 'does not match it, so nothing was credited');
    expect((await balances(db, ama)).balance_cedis).toBe('0.00');
    expect(await depositOf(reference)).toMatchObject({ status: 'pending' });
    await bot.runJob('paystack-review-alerts');
    const alert = await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack payment not credited');
    expect(alert.text).toContain('Paystack charged GHS 200.00, the deposit is for GHS 250.00');
    await bot.runJob('paystack-review-alerts');
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes('Paystack payment not credited'))).toHaveLength(1);

    clock.advance(24 * 60 * MINUTE);
    await bot.runJob('reconcile-paystack');
    const nightly = await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack reconciliation for');
    expect(nightly.text).toContain('1 Paystack payment(s) could not be credited as asked');
  });

  it('credits nothing for a declined prompt, and the user can try again', async () => {
    const esi = await newUser('Esi');
    await instantDeposit(esi, '120.50');
    const first = await promptOf(esi);
    paystack.decline(first.reference, 'Declined by the payer');
    await esi.tap(first.prompt, '🔄 Check payment');
    const failed = await tg.waitForMessage(esi.id, 'did not go through: Declined by the payer');
    expect(failed.text).toContain('No money was taken');
    expect((await balances(db, esi)).balance_cedis).toBe('0.00');

    await esi.tap(failed, '🔁 Try again');
    await esi.tap(await tg.waitForMessage(esi.id, 'Which network is your wallet on?'), 'AirtelTigo');
    await esi.tap(await tg.waitForMessage(esi.id, 'Which AirtelTigo number will pay?'), 'Use 0241234567');
    const second = await tg.waitForMessage(esi.id, (message) => (message.text ?? '').includes('Approve the prompt') && message.message_id !== first.prompt.message_id);
    const secondReference = chargeReferenceIn(second);
    expect(secondReference).not.toBe(first.reference);
    expect(secondReference.slice(0, 12)).toBe(first.reference.slice(0, 12));
    expect(paystack.charge(secondReference)).toMatchObject({ amount: 12050, provider: 'atl' });
    await paystack.approve(secondReference);
    await tg.waitForMessage(esi.id, 'of GHS 120.50 is now in your wallet');
    expect((await balances(db, esi)).balance_cedis).toBe('120.50');
    expect(await creditsOf(esi)).toBe(1);
  });

  it('credits a payment Paystack confirms after it was settled failed, once, while its deposit is still open', async () => {
    const kwaku = await newUser('Kwaku');
    await instantDeposit(kwaku, '80');
    const { prompt, reference } = await promptOf(kwaku);
    paystack.decline(reference, 'Transaction timed out');
    await kwaku.tap(prompt, '🔄 Check payment');
    await tg.waitForMessage(kwaku.id, 'did not go through: Transaction timed out');

    await paystack.succeedAfterFailure(reference, { copies: 3 });
    await bot.services.paystack?.processEvents();
    await tg.waitForMessage(kwaku.id, 'of GHS 80.00 is now in your wallet');
    expect(await creditsOf(kwaku)).toBe(1);
    expect(await depositOf(reference)).toEqual({ status: 'approved', amount: '80.00' });
  });

  it('credits nothing for a late success of a failed payment whose deposit another payment paid, and alerts the admins', async () => {
    const afia = await newUser('Afia');
    await instantDeposit(afia, '55');
    const first = await promptOf(afia);
    paystack.decline(first.reference, 'Transaction timed out');
    await afia.tap(first.prompt, '🔄 Check payment');
    await afia.tap(await tg.waitForMessage(afia.id, 'did not go through'), '🔁 Try again');
    await afia.tap(await tg.waitForMessage(afia.id, 'Which network is your wallet on?'), 'MTN');
    await afia.tap(await tg.waitForMessage(afia.id, 'Which MTN number will pay?'), 'Use 0241234567');
    const second = chargeReferenceIn(await tg.waitForMessage(afia.id, (message) => (message.text ?? '').includes('Approve the prompt') && message.message_id !== first.prompt.message_id));
    await paystack.approve(second);
    await tg.waitForMessage(afia.id, 'of GHS 55.00 is now in your wallet');

    await paystack.succeedAfterFailure(first.reference);
    await bot.services.paystack?.processEvents();
    await tg.waitForMessage(afia.id, 'does not match it, so nothing was credited yet');
    expect(await creditsOf(afia)).toBe(1);
    await bot.runJob('paystack-review-alerts');
    const alert = await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack payment not credited');
    expect(alert.text).toContain(`was paid already, by payment ${second}: this one paid it twice`);
  });

  it('credits once after a restart when the bot died between the webhook’s 200 and the credit', async () => {
    await bot.stop();
    // The worker never runs: what a process killed right after answering 200 leaves behind.
    bot = await startBot({ overrideServices: (services) => ({ ...services, paystack: services.paystack && { ...services.paystack, processEvents: () => Promise.resolve(0) } }) });
    const yaw = await newUser('Yaw');
    await instantDeposit(yaw, '300');
    const { reference } = await promptOf(yaw);
    await paystack.approve(reference);
    expect(paystack.deliveries.map((delivery) => delivery.status)).toEqual([200]);
    expect((await balances(db, yaw)).balance_cedis).toBe('0.00');

    await bot.stop();
    bot = await startBot();
    await bot.runJob('paystack-events');
    await bot.runJob('paystack-events');
    await tg.waitForMessage(yaw.id, 'of GHS 300.00 is now in your wallet');
    expect((await balances(db, yaw)).balance_cedis).toBe('300.00');
    expect(await creditsOf(yaw)).toBe(1);
  });

  it('credits a charge whose webhook never comes with the 5-minute job', async () => {
    paystack.autoWebhooks = false;
    const abena = await newUser('Abena');
    await instantDeposit(abena, '75');
    const { reference } = await promptOf(abena);
    await paystack.approve(reference);
    await bot.runJob('paystack-unconfirmed');
    expect((await balances(db, abena)).balance_cedis).toBe('0.00');
    clock.advance(6 * MINUTE);
    await bot.runJob('paystack-unconfirmed');
    await tg.waitForMessage(abena.id, 'of GHS 75.00 is now in your wallet');
    expect((await balances(db, abena)).balance_cedis).toBe('75.00');
    // A late webhook after all changes nothing.
    await paystack.sendChargeSuccess(reference);
    await bot.services.paystack?.processEvents();
    expect(await creditsOf(abena)).toBe(1);
  });

  it('checks open payments longest unchecked first, so one that cannot be settled never hides a newer one', async () => {
    const kojo = await newUser('Kojo');
    await instantDeposit(kojo, '70');
    const older = await promptOf(kojo);
    clock.advance(6 * MINUTE);
    // Checked, and still waiting on the payer: it stays open.
    await bot.runJob('paystack-unconfirmed');
    const ama = await newUser('Ama');
    await instantDeposit(ama, '65');
    const newer = await promptOf(ama);
    clock.advance(6 * MINUTE);
    const [first] = await listOpenChargesToCheck(db.pool, new Date(clock.now().getTime() - 5 * MINUTE), 1);
    expect(first?.reference).toBe(newer.reference);
    expect(paystack.charge(older.reference).status).toBe('pay_offline');
  });

  it('asks for and submits the OTP on Telecel', async () => {
    const kwame = await newUser('Kwame');
    await instantDeposit(kwame, '60', 'Telecel');
    await tg.waitForMessage(kwame.id, 'dial *110#');
    await kwame.send('000000');
    await tg.waitForMessage(kwame.id, 'That code was not accepted. Check it and type it again.');
    await kwame.send('123 456');
    const { reference } = await promptOf(kwame);
    expect(paystack.charge(reference)).toMatchObject({ provider: 'vod', status: 'pay_offline' });
    await paystack.approve(reference);
    await tg.waitForMessage(kwame.id, 'of GHS 60.00 is now in your wallet');
    expect(await creditsOf(kwame)).toBe(1);
  });

  it('answers 401 to an unsigned webhook and 200 to a signed one', async () => {
    const url = bot.paystackWebhookUrl ?? '';
    const unsigned = await fetch(url, { method: 'POST', body: JSON.stringify({ event: 'charge.success', data: { id: 1, reference: 'x' } }) });
    expect(unsigned.status).toBe(401);
    const wrong = await fetch(url, { method: 'POST', headers: { 'x-paystack-signature': 'ab'.repeat(64) }, body: '{}' });
    expect(wrong.status).toBe(401);
    await paystack.sendWebhook('subscription.create', { id: 55 });
    await paystack.sendWebhook('transfer.success', { id: 56, reference: 'not-one-of-ours-000' });
    expect(paystack.deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    await bot.services.paystack?.processEvents();
    expect(await db.query('SELECT event, outcome FROM paystack_events ORDER BY id')).toEqual([
      { event: 'subscription.create', outcome: 'ignored' },
      { event: 'transfer.success', outcome: 'unknown_reference' },
    ]);
  });
});

describe('instant buys by Paystack', () => {
  beforeEach(async () => {
    await db.query('DELETE FROM rates');
    await db.query("UPDATE settings SET live_rate_source = 'manual', paystack_auto_buy_below_ghs = 0");
    await setPrice(bot, '15.20', ADMIN_ID);
  });

  async function instantBuy(user: TestUser, amount: string): Promise<string> {
    await user.send('/buy');
    await tg.waitForMessage(user.id, 'How much USDT do you want to buy?');
    await user.send(amount);
    await user.tap(await tg.waitForMessage(user.id, 'How will you pay?'), '⚡ Mobile money (instant)');
    await user.tap(await tg.waitForMessage(user.id, 'Pay for purchase GHS'), 'MTN');
    await user.tap(await tg.waitForMessage(user.id, 'Which MTN number will pay?'), 'Use 0241234567');
    return (await promptOf(user)).reference;
  }

  it('credits a buy below the /settings limit with no admin', async () => {
    await db.query('UPDATE settings SET paystack_auto_buy_below_ghs = 1000');
    const kofi = await newUser('Kofi');
    const reference = await instantBuy(kofi, '500');
    expect(paystack.charge(reference)).toMatchObject({ amount: 50000 });
    await paystack.approve(reference, { copies: 2 });
    await tg.waitForMessage(kofi.id, '32.23726627 USDT is now in your wallet');
    expect((await balances(db, kofi)).balance_crypto).toBe('32.23726627');
    const [buy] = await db.query<{ status: string }>('SELECT status FROM crypto_transactions WHERE reference = $1', [reference.slice(0, 12)]);
    expect(buy?.status).toBe('approved');
  });

  it('marks a buy at or above the limit paid, and its card says Paystack verified it; an admin credits it', async () => {
    const ama = await newUser('Ama');
    const reference = await instantBuy(ama, '500');
    await paystack.approve(reference);
    await tg.waitForMessage(ama.id, 'Paystack confirmed your payment of GHS 500.00 for purchase');
    expect((await balances(db, ama)).balance_crypto).toBe('0.00000000');
    const card = await cardFor(tg, reference.slice(0, 12));
    expect(card.text).toContain(`Payment proof: ✅ paid, verified by Paystack (${reference}, transaction`);
    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ama.id, '32.23726627 USDT is now in your wallet');
    expect((await balances(db, ama)).balance_crypto).toBe('32.23726627');
  });
});

describe('payouts sent with Paystack', () => {
  it('pays once a payout that fails and then succeeds when sent again, with the recipient made once', async () => {
    const kojo = await newUser('Kojo');
    await instantDeposit(kojo, '300');
    await paystack.approve((await promptOf(kojo)).reference);
    await tg.waitForMessage(kojo.id, 'is now in your wallet');
    await withdrawToMomoInChat(tg, kojo, '120');
    const reserved = await tg.waitForMessage(kojo.id, 'is reserved for your withdrawal');
    const card = await cardFor(tg, referenceIn(reserved, 'WD'));

    await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const [first] = [...paystack.transfers.values()];
    expect(first).toMatchObject({ amount: 12000, currency: 'GHS', status: 'pending' });
    const sending = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'sent, waiting for Paystack to confirm');
    // While Paystack has it, nobody may release the claim (and so pay it out a second way).
    const release = await admin.tapAndAwaitAnswer(sending, '↩️ Release', { chatId: ADMIN_CHAT_ID });
    expect(release.show_alert).toBe(true);
    const [held] = await db.query<{ claimed_by_telegram_id: string | null }>('SELECT claimed_by_telegram_id FROM cash_withdrawals WHERE reference = $1', [referenceIn(reserved, 'WD')]);
    expect(held?.claimed_by_telegram_id).toBe(String(ADMIN_ID));
    // Nor pay it by hand as well: Paid is refused while the transfer is open.
    const [withdrawal] = await db.query<{ id: string }>('SELECT id FROM cash_withdrawals WHERE reference = $1', [referenceIn(reserved, 'WD')]);
    const byHand = await bot.services.approvals.decide({ kind: 'withdrawal', id: Number(withdrawal?.id), action: 'approve', from: { id: ADMIN_ID, first_name: 'Kwabena' }, payoutReference: 'MP241207.1200.A00001' });
    expect(byHand.outcome).toBe('check_failed');
    expect(await balances(db, kojo)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '120.00' });
    await paystack.failTransfer(first?.reference ?? '', 'Recipient wallet is not active');
    const claimable = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'failed: Recipient wallet is not active');
    expect(claimable.text).not.toContain('is paying this out');
    expect(await balances(db, kojo)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '120.00' });

    await admin.tapAndAwaitAnswer(claimable, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const second = [...paystack.transfers.values()].at(-1);
    expect(second?.reference).not.toBe(first?.reference);
    expect(second?.recipient).toBe(first?.recipient);
    expect(paystack.recipients.size).toBe(1);
    await paystack.completeTransfer(second?.reference ?? '', { copies: 3 });
    await tg.waitForMessage(kojo.id, `has been paid to MTN mobile money 0241234567, name Kojo Test. Payout reference: ${paystack.transfer(second?.reference ?? '').transferCode}`);
    await bot.services.paystack?.processEvents();
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Paid by');
    expect(await balances(db, kojo)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '0.00' });
    const paid = await db.query(
      `SELECT l.id FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id JOIN users u ON u.id = w.user_id
        WHERE u.telegram_id = $1 AND l.reason = 'withdrawal_paid'`,
      [kojo.id],
    );
    expect(paid).toHaveLength(1);
  });

  it('credits a verified deposit above the second-approval threshold with no admin, and sends a payout above it only once two admins approved', async () => {
    const ESI_ID = 940002;
    const esi = tg.createUser({ id: ESI_ID, first_name: 'Esi', last_name: 'Boateng' });
    tg.joinGroup(ADMIN_CHAT_ID, esi);
    await bot.stop();
    bot = await startBot({ adminIds: [ADMIN_ID, ESI_ID] });
    await db.query('UPDATE settings SET second_approval_above_ghs = 200');
    try {
      // Paystack's own record is the check: no admin decides the credit, whatever its amount.
      const ama = await newUser('Ama');
      await instantDeposit(ama, '500');
      const { reference } = await promptOf(ama);
      await paystack.approve(reference);
      await tg.waitForMessage(ama.id, 'of GHS 500.00 is now in your wallet');
      expect((await balances(db, ama)).balance_cedis).toBe('500.00');
      const credited = await db.query(
        `SELECT a.action, a.admin_name FROM admin_audit_log a JOIN paystack_charges c ON c.deposit_id = a.subject_id
          WHERE a.subject_kind = 'deposit' AND c.reference = $1 ORDER BY a.id`,
        [reference],
      );
      expect(credited).toEqual([{ action: 'approve', admin_name: 'Paystack' }]);

      // Sending a payout is an admin's decision: Send with Paystack is refused until two admins approved it.
      await withdrawToMomoInChat(tg, ama, '300');
      const withdrawal = referenceIn(await tg.waitForMessage(ama.id, 'is reserved for your withdrawal'), 'WD');
      const card = await cardFor(tg, withdrawal);
      expect(card.text).toContain('0 of 2');
      expect(JSON.stringify(card.reply_markup)).not.toContain('Send with Paystack');
      const [row] = await db.query<{ id: string }>('SELECT id FROM cash_withdrawals WHERE reference = $1', [withdrawal]);
      const sendEarly = async (by: TestUser) => (await by.answerOf(await by.tapWithData(ADMIN_CHAT_ID, card.message_id, `ps:send:${String(row?.id)}`))).text;
      const needsTwo = "It needs a second admin's approval before anyone may pay it out: two different admins must tap Approve payout.";
      expect(await sendEarly(admin)).toBe(needsTwo);
      expect((await admin.tapAndAwaitAnswer(card, '✅ Approve payout', { chatId: ADMIN_CHAT_ID })).text).toBe('Approved: 1 of 2. Another admin must approve it too before anyone pays it out.');
      const half = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Kwabena Admin');
      expect(await sendEarly(admin)).toBe(needsTwo);
      expect(paystack.transfers.size).toBe(0);
      expect(await balances(db, ama)).toMatchObject({ balance_cedis: '200.00', escrow_balance: '300.00' });

      await esi.tapAndAwaitAnswer(half, '✅ Approve payout (1 of 2)', { chatId: ADMIN_CHAT_ID });
      const ready = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '2 of 2: Kwabena Admin, Esi Boateng');
      await esi.tapAndAwaitAnswer(ready, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
      const [transfer] = [...paystack.transfers.values()];
      expect(transfer).toMatchObject({ amount: 30000, currency: 'GHS' });
      await paystack.completeTransfer(transfer?.reference ?? '');
      await tg.waitForMessage(ama.id, 'has been paid to MTN mobile money 0241234567');
      expect(await balances(db, ama)).toMatchObject({ balance_cedis: '200.00', escrow_balance: '0.00' });
    } finally {
      await db.query('UPDATE settings SET second_approval_above_ghs = 0');
    }
  });

  it('pays a payout whose webhook never comes with the 5-minute job', async () => {
    const efo = await newUser('Efo');
    await instantDeposit(efo, '90');
    await paystack.approve((await promptOf(efo)).reference);
    await tg.waitForMessage(efo.id, 'is now in your wallet');
    await withdrawToMomoInChat(tg, efo, '60');
    const card = await cardFor(tg, referenceIn(await tg.waitForMessage(efo.id, 'is reserved for your withdrawal'), 'WD'));
    paystack.autoWebhooks = false;
    await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const transfer = [...paystack.transfers.values()].at(-1);
    await paystack.completeTransfer(transfer?.reference ?? '');
    clock.advance(6 * MINUTE);
    await bot.runJob('paystack-unconfirmed');
    await tg.waitForMessage(efo.id, `Payout reference: ${transfer?.transferCode ?? ''}`);
    expect(await balances(db, efo)).toMatchObject({ balance_cedis: '30.00', escrow_balance: '0.00' });
  });

  it('credits a charge with no webhook even when a transfer checked in the same run cannot be settled', async () => {
    const kwesi = await newUser('Kwesi');
    await instantDeposit(kwesi, '90');
    await paystack.approve((await promptOf(kwesi)).reference);
    await tg.waitForMessage(kwesi.id, 'is now in your wallet');
    await withdrawToMomoInChat(tg, kwesi, '60');
    const withdrawal = referenceIn(await tg.waitForMessage(kwesi.id, 'is reserved for your withdrawal'), 'WD');
    const card = await cardFor(tg, withdrawal);
    paystack.autoWebhooks = false;
    expect((await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID })).text).toContain('Sent with Paystack');
    const transfer = [...paystack.transfers.values()].at(-1);
    await paystack.completeTransfer(transfer?.reference ?? '');
    // A state the transfer's success cannot be recorded in: nobody holds the claim any more.
    await db.query('UPDATE cash_withdrawals SET claimed_by_telegram_id = NULL, claimed_by_name = NULL, claimed_at = NULL WHERE reference = $1', [withdrawal]);
    const abena = await newUser('Abena');
    await instantDeposit(abena, '75');
    await paystack.approve((await promptOf(abena)).reference);
    clock.advance(6 * MINUTE);
    await bot.runJob('paystack-unconfirmed');
    await tg.waitForMessage(abena.id, 'of GHS 75.00 is now in your wallet');
    expect(bot.logs.text).toContain('a Paystack transfer could not be settled: the admins must look at it');
  });

  it('shows a transfer left waiting for an OTP on its card, lets its claimer stop it, and flags it when it is finalised anyway', async () => {
    paystack.transfersNeedOtp = true;
    const adwoa = await newUser('Adwoa');
    const { card } = await paystackPayout(adwoa, '100', '50');
    const answer = await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    expect(answer.text).toContain('Finalise it in the dashboard, or tap Release to stop it');
    const waiting = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'waiting for an OTP: finalise it in the Paystack dashboard, or Release to stop it');
    expect(await balances(db, adwoa)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '50.00' });

    // Nothing was sent: its claimer may stop it, and the card is claimable again.
    const release = await admin.tapAndAwaitAnswer(waiting, '↩️ Release', { chatId: ADMIN_CHAT_ID });
    expect(release.show_alert).not.toBe(true);
    const stopped = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'failed: stopped while Paystack waited for an OTP');
    expect(stopped.text).not.toContain('is paying this out');
    const transfer = [...paystack.transfers.values()].at(-1);

    // Finalised in the dashboard after all: the money went, so the admins are told to check before anyone pays again.
    await paystack.finalizeTransfer(transfer?.reference ?? '');
    await bot.services.paystack?.processEvents();
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'needs a look in the Paystack dashboard: Paystack paid it after it was settled failed');
    await bot.runJob('paystack-review-alerts');
    const alert = await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack payout needs a look');
    expect(alert.text).toContain(transfer?.reference ?? '-');
    expect(await balances(db, adwoa)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '50.00' });
  });

  it('takes back a payout Paystack reversed after it paid: claimable again with its cedis reserved, everyone told, and paid once when sent again', async () => {
    const kofi = await newUser('Kofi');
    const { card, withdrawal } = await paystackPayout(kofi, '300', '120');
    const before = await reconcileToday();
    await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const first = [...paystack.transfers.values()].at(-1)?.reference ?? '';
    await paystack.completeTransfer(first);
    await tg.waitForMessage(kofi.id, 'has been paid to MTN mobile money');
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '0.00' });

    // Paystack's API is down when the reversal arrives: the event waits for its record, it is not dropped.
    paystack.failNext();
    await paystack.reverseTransfer(first, 'Recipient wallet closed');
    await bot.services.paystack?.processEvents();
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '0.00' });
    await paystack.sendWebhook('transfer.reversed', { id: paystack.transfer(first).id, reference: first, status: 'reversed' });
    await bot.services.paystack?.processEvents();
    const returned = await tg.waitForMessage(kofi.id, `The payout of your withdrawal ${withdrawal}`);
    expect(returned.text).toContain('came back to us: Recipient wallet closed');
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '120.00' });
    const claimable = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'paid, then reversed by Paystack');
    expect(claimable.text).not.toContain('Paid by');
    await bot.runJob('paystack-review-alerts');
    expect((await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack reversed a payout')).text).toContain(`Withdrawal ${withdrawal}`);

    await admin.tapAndAwaitAnswer(claimable, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const second = [...paystack.transfers.values()].at(-1)?.reference ?? '';
    expect(second).not.toBe(first);
    await paystack.completeTransfer(second);
    await tg.waitForMessage(kofi.id, `Payout reference: ${paystack.transfer(second).transferCode}`);
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '0.00' });
    expect(await ledgerReasonsOf(kofi, 'withdrawal_')).toEqual(['withdrawal_paid', 'withdrawal_paid', 'withdrawal_reserved', 'withdrawal_reserved', 'withdrawal_returned']);
    // Today's reconciliation counts the second transfer as the one paid out, and the first as come back: they agree.
    const after = await reconcileToday();
    const added = (figure: 'sent_ghs' | 'paid_in_ledger_ghs' | 'reversed_ghs' | 'returned_in_ledger_ghs') => new Big(after.figures[figure]).minus(before.figures[figure]).toFixed(2);
    expect([added('sent_ghs'), added('paid_in_ledger_ghs'), added('reversed_ghs'), added('returned_in_ledger_ghs')]).toEqual(['120.00', '120.00', '120.00', '120.00']);
    expect(after.figures.reversed_transfers - before.figures.reversed_transfers).toBe(1);
    expect(after.mismatches.filter((mismatch) => /paid out|reversed/.test(mismatch))).toEqual([]);
  });

  it('sends again, under its own reference, a transfer Paystack has no record of five minutes on, and pays it once', async () => {
    const esi = await newUser('Esi');
    const { card } = await paystackPayout(esi, '90', '60');
    paystack.autoWebhooks = false;
    await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const reference = [...paystack.transfers.values()].at(-1)?.reference ?? '';
    paystack.forgetTransfer(reference);
    await bot.runJob('paystack-unconfirmed');
    expect(paystack.transfers.has(reference)).toBe(false);
    clock.advance(6 * MINUTE);
    await bot.runJob('paystack-unconfirmed');
    expect(paystack.transfer(reference)).toMatchObject({ amount: 6000, status: 'pending' });
    expect(paystack.transfers.size).toBe(1);
    await paystack.completeTransfer(reference);
    await bot.runJob('paystack-unconfirmed');
    await tg.waitForMessage(esi.id, `Payout reference: ${paystack.transfer(reference).transferCode}`);
    expect(await balances(db, esi)).toMatchObject({ balance_cedis: '30.00', escrow_balance: '0.00' });
  });

  it("alerts the admins when Paystack's record of a transfer is not the payout's, and its claimer may then settle it by hand", async () => {
    const yaw = await newUser('Yaw');
    const { card, withdrawalId } = await paystackPayout(yaw, '200', '150');
    await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const reference = [...paystack.transfers.values()].at(-1)?.reference ?? '';
    paystack.transfer(reference).amount = 15_100;
    await paystack.completeTransfer(reference);
    await bot.services.paystack?.processEvents();
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, "needs a look in the Paystack dashboard: Paystack's record is for GHS 151.00, the payout is GHS 150.00");
    await bot.runJob('paystack-review-alerts');
    await tg.waitForMessage(ADMIN_CHAT_ID, 'Paystack payout needs a look');
    expect(await balances(db, yaw)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '150.00' });
    const byHand = await bot.services.approvals.decide({ kind: 'withdrawal', id: withdrawalId, action: 'approve', from: { id: ADMIN_ID, first_name: 'Kwabena' }, payoutReference: paystack.transfer(reference).transferCode });
    expect(byHand.outcome).toBe('applied');
    expect(await balances(db, yaw)).toMatchObject({ balance_cedis: '50.00', escrow_balance: '0.00' });
  });
});

describe('bank payouts and recipients with Paystack', () => {
  /** A user with cedis from an instant deposit. */
  async function userWithCedis(name: string, amount: string): Promise<TestUser> {
    const user = await newUser(name);
    await instantDeposit(user, amount);
    await paystack.approve((await promptOf(user)).reference);
    await tg.waitForMessage(user.id, 'is now in your wallet');
    return user;
  }

  async function paidRowsOf(user: TestUser): Promise<number> {
    const rows = await db.query(
      `SELECT l.id FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id JOIN users u ON u.id = w.user_id
        WHERE u.telegram_id = $1 AND l.reason = 'withdrawal_paid'`,
      [user.id],
    );
    return rows.length;
  }

  it('keeps a recipient a wallet or a bank account, exactly one', async () => {
    const insert = (network: string | null, bankCode: string | null, code: string) =>
      db.query('INSERT INTO paystack_recipients (network, bank_code, account_number, account_name, recipient_code) VALUES ($1, $2, $3, $4, $5)', [network, bankCode, '0550000000', 'Check Test', code]);
    await expect(insert('MTN', '040100', 'RCP_both')).rejects.toThrow(/paystack_recipients_one_destination_check/);
    await expect(insert(null, null, 'RCP_neither')).rejects.toThrow(/paystack_recipients_one_destination_check/);
    await insert(null, '040100', 'RCP_bank');
    await expect(insert(null, '040100', 'RCP_bank_again')).rejects.toThrow(/paystack_recipients_bank_account_idx/);
    await db.query('DELETE FROM paystack_recipients WHERE recipient_code = $1', ['RCP_bank']);
  });

  it("pays a bank withdrawal once, to a ghipss recipient at the bank's code, asking for Paystack's bank list once", async () => {
    const akua = await userWithCedis('Akua', '300');
    await withdrawToBankInChat(tg, akua, '120', { tap: 'GCB Bank' });
    const card = await cardFor(tg, referenceIn(await tg.waitForMessage(akua.id, 'is reserved for your withdrawal'), 'WD'));
    expect(card.text).toContain('Tap Send with Paystack');

    expect((await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID })).text).toContain('Sent with Paystack');
    expect([...paystack.recipients.values()]).toEqual([expect.objectContaining({ type: 'ghipss', bankCode: '040100', accountNumber: '1234567890123', name: 'Akua Test' })]);
    const transfer = [...paystack.transfers.values()].at(-1);
    expect(transfer).toMatchObject({ amount: 12000, currency: 'GHS', status: 'pending' });
    await paystack.completeTransfer(transfer?.reference ?? '', { copies: 2 });
    await tg.waitForMessage(akua.id, `has been paid to GCB Bank, account 1234567890123, name Akua Test. Payout reference: ${transfer?.transferCode ?? ''}`);
    await bot.services.paystack?.processEvents();
    expect(await balances(db, akua)).toMatchObject({ balance_cedis: '180.00', escrow_balance: '0.00' });
    expect(await paidRowsOf(akua)).toBe(1);

    // A bank name the user typed, Paystack's way: the list is not asked for again within the hour.
    await withdrawToBankInChat(tg, akua, '50', { type: 'absa bank ghana ltd.' });
    const second = await cardFor(tg, referenceIn(await tg.waitForMessage(akua.id, 'is reserved for your withdrawal'), 'WD'));
    await admin.tapAndAwaitAnswer(second, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    expect([...paystack.recipients.values()].at(-1)).toMatchObject({ type: 'ghipss', bankCode: '030100' });
    expect(paystack.calls.filter((call) => call.path === '/bank')).toHaveLength(1);
  });

  it('answers "pay it by hand" for a bank Paystack does not list, and the payout is then paid by hand', async () => {
    const yaa = await userWithCedis('Yaa', '200');
    await withdrawToBankInChat(tg, yaa, '80', { type: 'Kwahu Rural Bank' });
    const card = await cardFor(tg, referenceIn(await tg.waitForMessage(yaa.id, 'is reserved for your withdrawal'), 'WD'));
    const answer = await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toBe('Paystack lists no bank named "Kwahu Rural Bank": pay this one by hand. You hold it: pay it, then tap Paid.');
    expect(paystack.recipients.size).toBe(0);
    expect(paystack.transfers.size).toBe(0);
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Kwabena Admin is paying this out');

    const [withdrawal] = await db.query<{ id: string }>('SELECT id FROM cash_withdrawals WHERE reference = $1', [referenceIn(card, 'WD')]);
    const byHand = await bot.services.approvals.decide({ kind: 'withdrawal', id: Number(withdrawal?.id), action: 'approve', from: { id: ADMIN_ID, first_name: 'Kwabena' }, payoutReference: 'GH241207.0900.B00042' });
    expect(byHand.outcome).toBe('applied');
    await bot.notifications.deliverDue();
    await tg.waitForMessage(yaa.id, 'Payout reference: GH241207.0900.B00042');
    expect(await balances(db, yaa)).toMatchObject({ balance_cedis: '120.00', escrow_balance: '0.00' });
  });

  it('makes the recipient again at the next send when Paystack stopped accepting it, and that send pays once', async () => {
    const kofi = await userWithCedis('Kofi', '300');
    await withdrawToMomoInChat(tg, kofi, '100');
    const first = await cardFor(tg, referenceIn(await tg.waitForMessage(kofi.id, 'is reserved for your withdrawal'), 'WD'));
    await admin.tapAndAwaitAnswer(first, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const paidFirst = [...paystack.transfers.values()].at(-1);
    await paystack.completeTransfer(paidFirst?.reference ?? '');
    await tg.waitForMessage(kofi.id, `Payout reference: ${paidFirst?.transferCode ?? ''}`);
    const dead = paidFirst?.recipient ?? '';
    // Deleted in the dashboard, or made under another key: Paystack no longer knows it.
    paystack.forgetRecipient(dead);

    await withdrawToMomoInChat(tg, kofi, '100');
    const card = await cardFor(tg, referenceIn(await tg.waitForMessage(kofi.id, 'is reserved for your withdrawal'), 'WD'));
    const refused = await admin.tapAndAwaitAnswer(card, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    expect(refused.text).toContain('Recipient specified is invalid: Paystack no longer accepts this recipient; tap Send with Paystack again to make a new one');
    const claimable = await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'failed: Recipient specified is invalid');
    expect(claimable.text).not.toContain('is paying this out');

    await admin.tapAndAwaitAnswer(claimable, '📤 Send with Paystack', { chatId: ADMIN_CHAT_ID });
    const retried = [...paystack.transfers.values()].at(-1);
    expect(retried?.recipient).not.toBe(dead);
    expect(paystack.recipients.has(retried?.recipient ?? '')).toBe(true);
    await paystack.completeTransfer(retried?.reference ?? '', { copies: 2 });
    await tg.waitForMessage(kofi.id, `Payout reference: ${retried?.transferCode ?? ''}`);
    await bot.services.paystack?.processEvents();
    expect(await balances(db, kofi)).toMatchObject({ balance_cedis: '100.00', escrow_balance: '0.00' });
    expect(await paidRowsOf(kofi)).toBe(2);
    // The dead recipient stays for the transfers made to it; one recipient is in use for the wallet.
    const recipients = await db.query<{ recipient_code: string; refused: boolean }>(
      'SELECT recipient_code, refused_at IS NOT NULL AS refused FROM paystack_recipients WHERE account_number = $1 AND account_name = $2 ORDER BY id',
      ['0241234567', 'Kofi Test'],
    );
    expect(recipients).toContainEqual({ recipient_code: dead, refused: true });
    expect(recipients.filter((recipient) => !recipient.refused).map((recipient) => recipient.recipient_code)).toEqual([retried?.recipient]);
  });
});

describe('in webhook mode', () => {
  it('serves Paystack’s webhooks on the port of Telegram’s', async () => {
    await bot.stop();
    bot = await startBot({ webhookSecret: 'paystack-test-webhook-secret' });
    expect(bot.paystackWebhookUrl).toBe(bot.webhookUrl?.replace('/telegram', '/paystack/webhook'));
    const unsigned = await fetch(bot.paystackWebhookUrl ?? '', { method: 'POST', body: '{"event":"charge.success","data":{"id":1}}' });
    expect(unsigned.status).toBe(401);
    await paystack.sendWebhook('subscription.create', { id: 77 });
    expect(paystack.deliveries.map((delivery) => delivery.status)).toEqual([200]);
  });
});

describe('without PAYSTACK_SECRET_KEY', () => {
  it('offers no instant mobile money and serves no Paystack webhook', async () => {
    await bot.stop();
    bot = await startBot({ paystack: undefined });
    expect(bot.paystackWebhookUrl).toBeUndefined();
    expect(bot.services.paystack).toBeNull();
    const kofi = await newUser('Kofi');
    await kofi.send('/deposit');
    const menu = await tg.waitForMessage(kofi.id, 'How will you send the cedis?');
    const markup = menu.reply_markup;
    const labels = markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat().map((button) => button.text) : [];
    expect(labels).toEqual(['📱 Mobile money', '🏦 Bank', '❌ Cancel']);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionResult } from '../../src/services/approvals/approvals.ts';
import { MAX_PIN_ATTEMPTS, PIN_LOCK_MS } from '../../src/services/accounts/moneyAccess.ts';
import type { Quote } from '../../src/services/trading/quotes.ts';
import { QUOTE_VALID_MS } from '../../src/services/trading/quotes.ts';
import { STALE_AFTER_MS } from '../../src/services/rates/rates.ts';
import { newReference } from '../../src/services/common/references.ts';
import type { CreateResult } from '../../src/services/trading/trading.ts';
import {
  ADMIN,
  createMoneyHarness,
  createMoneyUser,
  fund,
  invariantViolations,
  PAYOUT,
  payOut,
  setAmountLimits,
  setPrice,
  walletOf,
  type MoneyHarness,
} from '../support/money.ts';
import { TEST_PIN } from '../support/users.ts';

let h: MoneyHarness;

beforeAll(async () => {
  h = await createMoneyHarness();
  await setAmountLimits(h.db, '0.01', '50000.00');
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  // Every test starts an hour later with a fresh price, so a test that moves the clock leaves nothing stale behind.
  h.advance(60 * 60_000);
  await setPrice(h.services, '15.20');
});

async function okQuote(side: 'buy' | 'sell', currency: 'GHS' | 'CRYPTO', amount: string): Promise<Quote> {
  const quoted = await h.services.quotes.quote(side, { currency, amount });
  if (quoted.status !== 'ok') throw new Error(`quote ${side} ${amount} ${currency}: ${JSON.stringify(quoted)}`);
  return quoted.quote;
}

const sell = async (userId: number, amount: string): Promise<CreateResult> =>
  h.services.trading.createSell({ userId, quote: await okQuote('sell', 'CRYPTO', amount), reference: newReference('SELL') });
const withdraw = (userId: number, amount: string): Promise<CreateResult> =>
  h.services.wallet.createWithdrawal({ userId, amount, payout: PAYOUT, reference: newReference('WD') });
const decide = (kind: string, id: number, action: 'approve' | 'decline'): Promise<DecisionResult> =>
  h.services.approvals.decide({ kind, id, action, from: ADMIN, reason: action === 'decline' ? 'Suspected fraud' : undefined });

/** A tap on a withdrawal's card: a decline, or an approval as the admin pays out (the claim, then Paid unless someone decided first). */
async function tapWithdrawal(id: number, action: 'approve' | 'decline'): Promise<DecisionResult> {
  if (action === 'decline') return decide('withdrawal', id, action);
  const claimed = await h.services.approvals.claim({ kind: 'withdrawal', id, from: ADMIN });
  if (claimed.outcome === 'already_decided') return claimed;
  return h.services.approvals.decide({ kind: 'withdrawal', id, action, from: ADMIN, payoutReference: 'MP-STORM-1' });
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function createdId(result: CreateResult): number {
  if (result.status !== 'created') throw new Error(`expected created, got ${JSON.stringify(result)}`);
  return result.id;
}

async function requestCounts(userId: number): Promise<{ crypto: number; deposits: number; withdrawals: number }> {
  const [counts] = await h.db.query<{ crypto: number; deposits: number; withdrawals: number }>(
    `SELECT (SELECT count(*)::int FROM crypto_transactions WHERE user_id = $1) AS crypto,
            (SELECT count(*)::int FROM cash_deposits WHERE user_id = $1) AS deposits,
            (SELECT count(*)::int FROM cash_withdrawals WHERE user_id = $1) AS withdrawals`,
    [userId],
  );
  if (!counts) throw new Error('no counts');
  return counts;
}

describe('parallel decisions on one request', () => {
  it.each([
    { kind: 'buy', notification: 'BUY_APPROVED', account: 'crypto_available', amount: '12.50000000', ledgerAmount: '12.50000000', column: 'balance_crypto' },
    { kind: 'deposit', notification: 'DEPOSIT_APPROVED', account: 'cedis_available', amount: '250.00', ledgerAmount: '250.00000000', column: 'balance_cedis' },
  ] as const)('applies 50 simultaneous approvals of one $kind exactly once', async ({ kind, notification, account, amount, ledgerAmount, column }) => {
    const userId = await createMoneyUser(h.db);
    const created =
      kind === 'buy'
        ? await h.services.trading.createBuy({ userId, quote: await okQuote('buy', 'CRYPTO', amount), method: 'momo', reference: newReference('BUY'), proof: null })
        : await h.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null });
    const id = createdId(created);

    const results = await Promise.all(Array.from({ length: 50 }, () => decide(kind, id, 'approve')));

    expect(countBy(results, (result) => result.outcome)).toEqual({ applied: 1, already_decided: 49 });
    for (const result of results) {
      if (result.outcome === 'applied' || result.outcome === 'already_decided') expect(result.card.status).toBe('approved');
    }
    const ledger = await h.db.query('SELECT account, amount FROM ledger_entries WHERE reference_kind = $1 AND reference_id = $2', [kind, id]);
    expect(ledger).toEqual([{ account, amount: ledgerAmount }]);
    expect((await walletOf(h.db, userId))[column]).toBe(amount);
    const notifications = await h.db.query('SELECT notification_type FROM notifications WHERE user_id = $1 AND notification_type <> $2', [userId, 'WELCOME']);
    expect(notifications).toEqual([{ notification_type: notification }]);
    const audit = await h.db.query('SELECT action FROM admin_audit_log WHERE subject_kind = $1 AND subject_id = $2', [kind, id]);
    expect(audit).toEqual([{ action: 'approve' }]);
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });

  it('lets exactly one of simultaneous approvals and declines of a sell win, never both', async () => {
    for (let round = 0; round < 6; round += 1) {
      const userId = await createMoneyUser(h.db);
      await fund(h.services, userId, { crypto: '20' });
      const quote = await okQuote('sell', 'CRYPTO', '20');
      const id = createdId(await h.services.trading.createSell({ userId, quote, reference: newReference('SELL') }));
      expect(await walletOf(h.db, userId)).toMatchObject({ balance_crypto: '0.00000000', escrow_crypto: '20.00000000' });

      // Interleaved approvals and declines, as two admins tapping (and double-tapping) at once.
      const actions = Array.from({ length: 8 }, (_, index): 'approve' | 'decline' => ((index + round) % 2 === 0 ? 'approve' : 'decline'));
      const results = await Promise.all(actions.map((action) => decide('sell', id, action)));

      const applied = results.flatMap((result, index) => (result.outcome === 'applied' ? [actions[index]] : []));
      expect(applied).toHaveLength(1);
      expect(results.filter((result) => result.outcome === 'already_decided')).toHaveLength(7);
      const winner = applied[0];
      const [row] = await h.db.query<{ status: string }>('SELECT status FROM crypto_transactions WHERE id = $1', [id]);
      const wallet = await walletOf(h.db, userId);
      const [notified] = await h.db.query<{ types: string[] }>(
        "SELECT array_agg(notification_type ORDER BY id) AS types FROM notifications WHERE user_id = $1 AND notification_type LIKE 'SELL_%'",
        [userId],
      );
      if (winner === 'approve') {
        expect(row?.status).toBe('approved');
        expect(wallet).toEqual({ balance_cedis: quote.cedisAmount, escrow_balance: '0.00', balance_crypto: '0.00000000', escrow_crypto: '0.00000000' });
        expect(notified?.types).toEqual(['SELL_APPROVED']);
      } else {
        expect(row?.status).toBe('declined');
        expect(wallet).toEqual({ balance_cedis: '0.00', escrow_balance: '0.00', balance_crypto: '20.00000000', escrow_crypto: '0.00000000' });
        expect(notified?.types).toEqual(['SELL_DECLINED']);
      }
      expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
    }
  });
});

describe('parallel requests worth more than the balance', () => {
  it('reserves 6 of 10 simultaneous sells of 15 USDT from 100 USDT and refuses 4', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { crypto: '100' });
    const quotes = await Promise.all(Array.from({ length: 10 }, () => okQuote('sell', 'CRYPTO', '15')));

    const results = await Promise.all(quotes.map((quote) => h.services.trading.createSell({ userId, quote, reference: newReference('SELL') })));

    expect(countBy(results, (result) => result.status)).toEqual({ created: 6, insufficient: 4 });
    expect(await walletOf(h.db, userId)).toEqual({ balance_cedis: '0.00', escrow_balance: '0.00', balance_crypto: '10.00000000', escrow_crypto: '90.00000000' });
    const sells = await h.db.query("SELECT crypto_amount, status FROM crypto_transactions WHERE user_id = $1 AND type = 'sell'", [userId]);
    expect(sells).toEqual(Array.from({ length: 6 }, () => ({ crypto_amount: '15.00000000', status: 'pending' })));
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });

  it('reserves 6 of 7 simultaneous withdrawals of GHS 150 from GHS 1,000 and refuses 1', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { cedis: '1000' });

    const results = await Promise.all(Array.from({ length: 7 }, () => withdraw(userId, '150')));

    expect(countBy(results, (result) => result.status)).toEqual({ created: 6, insufficient: 1 });
    expect(await walletOf(h.db, userId)).toEqual({ balance_cedis: '100.00', escrow_balance: '900.00', balance_crypto: '0.00000000', escrow_crypto: '0.00000000' });
    expect((await requestCounts(userId)).withdrawals).toBe(6);
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });
});

describe('a storm of mixed operations on one wallet', () => {
  it('decides each request once and keeps every invariant while sells, withdrawals and decisions race', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { cedis: '1000', crypto: '100' });
    const pending: { kind: string; id: number }[] = [];
    for (let index = 0; index < 3; index += 1) {
      pending.push({ kind: 'sell', id: createdId(await sell(userId, '10')) });
      pending.push({ kind: 'withdrawal', id: createdId(await withdraw(userId, '100')) });
      pending.push({
        kind: 'deposit',
        id: createdId(await h.services.wallet.createDeposit({ userId, amount: '50', method: 'bank', reference: newReference('DEP'), proof: null })),
      });
      pending.push({
        kind: 'buy',
        id: createdId(
          await h.services.trading.createBuy({ userId, quote: await okQuote('buy', 'CRYPTO', '5'), method: 'bank', reference: newReference('BUY'), proof: null }),
        ),
      });
    }
    const sellQuotes = await Promise.all(Array.from({ length: 5 }, () => okQuote('sell', 'CRYPTO', '20')));

    // Three admins' taps per request (mixed approve/decline), five new sells of 20 and five withdrawals of 200, all at once.
    const decisions = pending.flatMap((request, index) =>
      [0, 1, 2].map((tap) => ({ request, action: (index + tap) % 3 === 0 ? ('decline' as const) : ('approve' as const) })),
    );
    const [decided, sells, withdrawals] = await Promise.all([
      Promise.all(decisions.map(({ request, action }) => (request.kind === 'withdrawal' ? tapWithdrawal(request.id, action) : decide(request.kind, request.id, action)))),
      Promise.all(sellQuotes.map((quote) => h.services.trading.createSell({ userId, quote, reference: newReference('SELL') }))),
      Promise.all(Array.from({ length: 5 }, () => withdraw(userId, '200'))),
    ]);

    for (const request of pending) {
      const outcomes = decided.filter((_, index) => decisions[index]?.request === request).map((result) => result.outcome);
      // A withdrawal claimed first refuses the decline by its claim instead; either way one decision applies.
      const expected = request.kind === 'withdrawal' && outcomes.includes('claimed') ? ['already_decided', 'applied', 'claimed'] : ['already_decided', 'already_decided', 'applied'];
      expect(outcomes.sort(), `${request.kind} #${request.id}`).toEqual(expected);
    }
    for (const result of [...sells, ...withdrawals]) expect(['created', 'insufficient']).toContain(result.status);
    const [audit] = await h.db.query<{ entries: number; requests: number }>(
      `SELECT count(*)::int AS entries, count(DISTINCT (subject_kind, subject_id))::int AS requests FROM admin_audit_log
        WHERE action IN ('approve', 'decline') AND (subject_kind, subject_id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))`,
      [pending.map((request) => request.kind), pending.map((request) => request.id)],
    );
    expect(audit).toEqual({ entries: pending.length, requests: pending.length });
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });
});

describe('exact decimal money', () => {
  it('adds deposits of 0.10 and 0.20 to exactly 0.30, which can then be withdrawn to exactly 0.00', async () => {
    const userId = await createMoneyUser(h.db);
    const deposits = await Promise.all(
      ['0.10', '0.20'].map((amount) => h.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null })),
    );
    const approvals = await Promise.all(deposits.map((deposit) => decide('deposit', createdId(deposit), 'approve')));
    expect(approvals.map((approval) => approval.outcome)).toEqual(['applied', 'applied']);
    expect((await walletOf(h.db, userId)).balance_cedis).toBe('0.30');

    expect(await withdraw(userId, '0.31')).toEqual({ status: 'insufficient' });
    const withdrawal = await withdraw(userId, '0.30');
    expect(withdrawal.status).toBe('created');
    expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.30' });
    expect((await payOut(h.services, createdId(withdrawal))).outcome).toBe('applied');
    expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
    const [sum] = await h.db.query<{ total: string }>(
      'SELECT sum(l.amount) AS total FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id WHERE w.user_id = $1 AND l.account = $2',
      [userId, 'cedis_available'],
    );
    expect(sum?.total).toBe('0.00000000');
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });
});

describe('quotes and prices', () => {
  it('refuses a sell and a buy on a quote older than 10 minutes, reserving nothing', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { crypto: '100' });
    const before = await walletOf(h.db, userId);
    const counts = await requestCounts(userId);
    const sellQuote = await okQuote('sell', 'CRYPTO', '15');
    const buyQuote = await okQuote('buy', 'GHS', '100');

    h.advance(QUOTE_VALID_MS + 1_000);

    expect(await h.services.trading.createSell({ userId, quote: sellQuote, reference: newReference('SELL') })).toEqual({ status: 'expired' });
    expect(await h.services.trading.createBuy({ userId, quote: buyQuote, method: 'bank', reference: newReference('BUY'), proof: null })).toEqual({
      status: 'expired',
    });
    expect(await walletOf(h.db, userId)).toEqual(before);
    expect(await requestCounts(userId)).toEqual(counts);
    // A fresh quote at the same moment still works: only the old quote was refused.
    expect((await sell(userId, '15')).status).toBe('created');
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });

  it('pauses trading when the last price is more than 15 minutes old, until a fresh one arrives', async () => {
    const priceSetAt = h.now();
    h.advance(STALE_AFTER_MS - 1_000);
    expect((await h.services.quotes.quote('sell', { currency: 'CRYPTO', amount: '15' })).status).toBe('ok');

    h.advance(2_000);
    expect(await h.services.quotes.quote('sell', { currency: 'CRYPTO', amount: '15' })).toEqual({ status: 'paused', lastPriceAt: priceSetAt });
    expect(await h.services.quotes.quote('buy', { currency: 'GHS', amount: '100' })).toEqual({ status: 'paused', lastPriceAt: priceSetAt });

    await setPrice(h.services, '15.30');
    const resumed = await h.services.quotes.quote('sell', { currency: 'CRYPTO', amount: '15' });
    expect(resumed).toMatchObject({ status: 'ok', quote: { marketPrice: '15.30000000' } });
  });
});

describe('amount limits', () => {
  it('refuses a deposit or a withdrawal outside the limits in the service itself, changing nothing', async () => {
    const userId = await createMoneyUser(h.db);
    await setAmountLimits(h.db, '50.00', '1000.00');
    const tooSmall = await h.services.wallet.createDeposit({ userId, amount: '49.99', method: 'bank', reference: newReference('DEP'), proof: null });
    expect(tooSmall).toEqual({ status: 'invalid', reason: 'The smallest amount is GHS 50.00. Please type a larger amount.' });
    expect(await withdraw(userId, '1000.01')).toEqual({ status: 'invalid', reason: 'The largest amount is GHS 1,000.00. Please type a smaller amount.' });
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
    await setAmountLimits(h.db, '0.01', '50000.00');
  });
});

describe('buys and sells are checked again when they are made', () => {
  it('refuses a quote outside the limits set since it was given, storing and reserving nothing', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { crypto: '100' });
    const buyQuote = await okQuote('buy', 'GHS', '600');
    const sellQuote = await okQuote('sell', 'CRYPTO', '40');
    const before = await walletOf(h.db, userId);
    const counts = await requestCounts(userId);
    await setAmountLimits(h.db, '50.00', '500.00');
    const tooLarge = { status: 'invalid', reason: 'The largest amount is GHS 500.00. Please type a smaller amount.' };
    expect(await h.services.trading.createBuy({ userId, quote: buyQuote, method: 'momo', reference: newReference('BUY'), proof: null })).toEqual(tooLarge);
    expect(await h.services.trading.createSell({ userId, quote: sellQuote, reference: newReference('SELL') })).toEqual(tooLarge);
    await setAmountLimits(h.db, '0.01', '50000.00');
    expect(await walletOf(h.db, userId)).toEqual(before);
    expect(await requestCounts(userId)).toEqual(counts);
  });

  it('refuses a quote that has not expired while the price behind it has gone stale', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { crypto: '100' });
    h.advance(STALE_AFTER_MS - 5 * 60_000);
    const sellQuote = await okQuote('sell', 'CRYPTO', '10');
    h.advance(5 * 60_000 + 1_000);
    const counts = await requestCounts(userId);
    expect(await h.services.trading.createSell({ userId, quote: sellQuote, reference: newReference('SELL') })).toEqual({
      status: 'invalid',
      reason: 'Trading is paused: our price has not updated for a while.',
    });
    expect(await requestCounts(userId)).toEqual(counts);
  });

  it('makes a sell once per reference, even when it is sent twice at the same time', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { crypto: '100' });
    const request = { userId, quote: await okQuote('sell', 'CRYPTO', '30'), reference: newReference('SELL') };
    const results = await Promise.all([h.services.trading.createSell(request), h.services.trading.createSell(request)]);
    expect(new Set(results.map(createdId)).size).toBe(1);
    expect((await walletOf(h.db, userId)).escrow_crypto).toBe('30.00000000');
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });
});

describe('who may move money', () => {
  it('moves no money for a user whose KYC is not approved', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { cedis: '500', crypto: '50' });
    await h.db.query("UPDATE users SET kyc_status = 'pending' WHERE id = $1", [userId]);
    const before = await walletOf(h.db, userId);
    const counts = await requestCounts(userId);

    const refused = { status: 'refused', refusal: { reason: 'kyc_required' } };
    expect(await sell(userId, '10')).toMatchObject(refused);
    expect(await withdraw(userId, '100')).toMatchObject(refused);
    expect(
      await h.services.trading.createBuy({ userId, quote: await okQuote('buy', 'GHS', '100'), method: 'momo', reference: newReference('BUY'), proof: null }),
    ).toMatchObject(refused);
    expect(await h.services.wallet.createDeposit({ userId, amount: '100', method: 'momo', reference: newReference('DEP'), proof: null })).toMatchObject(refused);

    expect(await walletOf(h.db, userId)).toEqual(before);
    expect(await requestCounts(userId)).toEqual(counts);
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });

  it('locks money actions for 15 minutes after 5 wrong PINs, then lets them through again', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { cedis: '500', crypto: '50' });

    // Five wrong PINs at once (as five quick retries would): the count is atomic, the fifth locks.
    const checks = await Promise.all(Array.from({ length: MAX_PIN_ATTEMPTS }, () => h.services.access.checkPin(userId, '000000')));
    const lockedAt = h.now();
    expect(checks.filter((check) => check.status === 'wrong').map((check) => (check.status === 'wrong' ? check.attemptsLeft : -1)).sort()).toEqual([1, 2, 3, 4]);
    expect(checks.filter((check) => check.status === 'locked')).toEqual([{ status: 'locked', until: new Date(lockedAt.getTime() + PIN_LOCK_MS) }]);
    // Even the right PIN is not checked while locked.
    expect(await h.services.access.checkPin(userId, TEST_PIN)).toEqual({ status: 'locked', until: new Date(lockedAt.getTime() + PIN_LOCK_MS) });

    const locked = { status: 'refused', refusal: { reason: 'pin_locked', until: new Date(lockedAt.getTime() + PIN_LOCK_MS) } };
    expect(await withdraw(userId, '100')).toEqual(locked);
    expect(await sell(userId, '10')).toEqual(locked);
    expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '500.00', escrow_balance: '0.00', balance_crypto: '50.00000000', escrow_crypto: '0.00000000' });

    h.advance(PIN_LOCK_MS - 1_000);
    expect(await withdraw(userId, '100')).toMatchObject({ status: 'refused', refusal: { reason: 'pin_locked' } });

    h.advance(1_000);
    expect((await withdraw(userId, '100')).status).toBe('created');
    expect(await h.services.access.checkPin(userId, TEST_PIN)).toEqual({ status: 'ok' });
    expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '400.00', escrow_balance: '100.00' });
    expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
  });
});

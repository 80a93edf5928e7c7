import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger.ts';
import type { DecisionResult } from '../../src/services/approvals/approvals.ts';
import type { PayoutDetails } from '../../src/services/wallet/payouts.ts';
import { createServices, type AppServices as Services } from '../../src/modules.ts';
import { Big } from '../../src/services/common/amounts.ts';
import { newReference } from '../../src/services/common/references.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { seedUser } from './users.ts';

/** The admin who decides requests and sets prices (in ADMIN_IDS; not a registered user). */
export const ADMIN = { id: 990_001, first_name: 'Admin' } as const;

export const PAYOUT: PayoutDetails = {
  method: 'momo',
  momoNetwork: 'MTN',
  bankName: null,
  accountNumber: '0241234567',
  accountName: 'Ama Mensah',
};

export const START_TIME = new Date('2025-06-02T09:00:00Z');

/** The real services on a fresh database of the test file's own, with a clock the test moves. */
export interface MoneyHarness {
  db: TestDatabase;
  services: Services;
  /** Where the services store media. */
  dataDir: string;
  now(): Date;
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function createMoneyHarness(): Promise<MoneyHarness> {
  const [db, dataDir] = await Promise.all([createTestDatabase(), mkdtemp(path.join(tmpdir(), 'money-test-'))]);
  let now = START_TIME.getTime();
  const services = createServices({
    pool: db.pool,
    config: {
      adminIds: [ADMIN.id],
      dataDir,
      cryptoAsset: 'USDT',
      stateSecret: 'money-test-state-secret-0123456789',
      rateSources: { coinmarketcapUrl: 'http://127.0.0.1:9', coinmarketcapApiKey: undefined, coingeckoUrl: 'http://127.0.0.1:9' },
    },
    logger: createLogger('silent'),
    clock: () => new Date(now),
  });
  return {
    db,
    services,
    dataDir,
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    close: async () => {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let nextTelegramId = 800_000;

/** A registered, active user with approved KYC (money may move for them), and an empty wallet. */
export async function createMoneyUser(db: TestDatabase, options: { kyc?: 'approved' | 'pending' } = {}): Promise<number> {
  nextTelegramId += 1;
  const user = await seedUser(db, { id: nextTelegramId, first_name: 'Ama', last_name: 'Mensah', username: undefined });
  await db.query('UPDATE users SET kyc_status = $1 WHERE id = $2', [options.kyc ?? 'approved', user.id]);
  return user.id;
}

export async function setAmountLimits(db: TestDatabase, min: string, max: string): Promise<void> {
  await db.query('UPDATE settings SET min_amount_ghs = $1, max_amount_ghs = $2', [min, max]);
}

/** Sets the price as the admin would, at the harness clock's time. */
export async function setPrice(services: Services, price: string): Promise<void> {
  const result = await services.rates.setManualPrice(price, ADMIN);
  if (!result.ok) throw new Error(`setPrice ${price}: ${result.reason}`);
}

/** An integer count of the smallest unit (pesewas, 1e-8) as a decimal string with that many places. */
export function fromUnits(units: number, decimals: number): string {
  return new Big(units).div(new Big(10).pow(decimals)).toFixed(decimals);
}

export interface WalletBalances {
  balance_cedis: string;
  escrow_balance: string;
  balance_crypto: string;
  escrow_crypto: string;
}

export async function walletOf(db: TestDatabase, userId: number): Promise<WalletBalances> {
  const [wallet] = await db.query<WalletBalances>(
    'SELECT balance_cedis, escrow_balance, balance_crypto, escrow_crypto FROM wallets WHERE user_id = $1',
    [userId],
  );
  if (!wallet) throw new Error(`no wallet for user ${userId}`);
  return wallet;
}

/**
 * Pays a withdrawal out as an admin does: claims it ("I'm paying this"), then Paid with the payout reference. The
 * outcome of Paid; a claim that does not apply throws.
 */
export async function payOut(
  services: Pick<Services, 'approvals'>,
  id: number,
  from: { id: number; first_name: string } = ADMIN,
  payoutReference = 'MP250602.0900.A12345',
): Promise<DecisionResult> {
  const claimed = await services.approvals.claim({ kind: 'withdrawal', id, from });
  if (claimed.outcome !== 'applied') throw new Error(`claim withdrawal ${id}: ${claimed.outcome}`);
  return services.approvals.decide({ kind: 'withdrawal', id, action: 'approve', from, payoutReference });
}

async function approve(services: Services, kind: string, id: number): Promise<void> {
  const decision = await services.approvals.decide({ kind, id, action: 'approve', from: ADMIN });
  if (decision.outcome !== 'applied') throw new Error(`approve ${kind} ${id}: ${decision.outcome}`);
}

/** Puts money in a wallet the way users get it: an approved deposit (cedis) and an approved buy (crypto). */
export async function fund(services: Services, userId: number, amounts: { cedis?: string; crypto?: string }): Promise<void> {
  if (amounts.cedis) {
    const deposit = await services.wallet.createDeposit({ userId, amount: amounts.cedis, method: 'momo', reference: newReference('DEP'), proof: null });
    if (deposit.status !== 'created') throw new Error(`fund: deposit ${deposit.status}`);
    await approve(services, 'deposit', deposit.id);
  }
  if (amounts.crypto) {
    const quoted = await services.quotes.quote('buy', { currency: 'CRYPTO', amount: amounts.crypto });
    if (quoted.status !== 'ok') throw new Error(`fund: quote ${quoted.status}`);
    const buy = await services.trading.createBuy({ userId, quote: quoted.quote, method: 'momo', reference: newReference('BUY'), proof: null });
    if (buy.status !== 'created') throw new Error(`fund: buy ${buy.status}`);
    await approve(services, 'buy', buy.id);
  }
}

/**
 * Every money invariant of DESIGN §6, checked in SQL numeric (never a JS float). Returns one line per
 * violation, so a test can `expect(await invariantViolations(db)).toEqual([])` and see what broke.
 */
export async function invariantViolations(db: TestDatabase, options: { userIds?: readonly number[] } = {}): Promise<string[]> {
  const problems: string[] = [];
  // Only these users' wallets and requests, when given (so one broken test does not fail the next ones).
  const only = [options.userIds ?? null];
  const mine = (column: string) => `($1::bigint[] IS NULL OR ${column} = ANY($1::bigint[]))`;
  const report = (label: string, rows: readonly Record<string, unknown>[]) => {
    for (const row of rows) problems.push(`${label}: ${JSON.stringify(row)}`);
  };

  report(
    'negative balance',
    await db.query(
      `SELECT user_id, balance_cedis, escrow_balance, balance_crypto, escrow_crypto FROM wallets
       WHERE (balance_cedis < 0 OR escrow_balance < 0 OR balance_crypto < 0 OR escrow_crypto < 0) AND ${mine('user_id')}`,
      only,
    ),
  );

  report(
    'wallet differs from the sum of its ledger rows',
    await db.query(
      `SELECT w.user_id, w.balance_cedis, w.escrow_balance, w.balance_crypto, w.escrow_crypto, l.cedis_available, l.cedis_reserved,
             l.crypto_available, l.crypto_reserved
        FROM wallets w
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(amount) FILTER (WHERE account = 'cedis_available'), 0) AS cedis_available,
                 coalesce(sum(amount) FILTER (WHERE account = 'cedis_reserved'), 0) AS cedis_reserved,
                 coalesce(sum(amount) FILTER (WHERE account = 'crypto_available'), 0) AS crypto_available,
                 coalesce(sum(amount) FILTER (WHERE account = 'crypto_reserved'), 0) AS crypto_reserved
            FROM ledger_entries WHERE wallet_id = w.id
        ) l
       WHERE (w.balance_cedis <> l.cedis_available OR w.escrow_balance <> l.cedis_reserved
          OR w.balance_crypto <> l.crypto_available OR w.escrow_crypto <> l.crypto_reserved) AND ${mine('w.user_id')}`,
      only,
    ),
  );

  // Rows of one wallet are written under its row lock, so id order is the order of the changes.
  report(
    'ledger balance_after is not the running sum',
    await db.query(
      `SELECT l.id, w.user_id, l.account, l.amount, l.balance_after, l.running FROM (
        SELECT *, sum(amount) OVER (PARTITION BY wallet_id, account ORDER BY id) AS running FROM ledger_entries
      ) l JOIN wallets w ON w.id = l.wallet_id
       WHERE l.balance_after <> l.running AND ${mine('w.user_id')}`,
      only,
    ),
  );

  report(
    'reserved differs from what pending requests reserve',
    await db.query(
      `SELECT w.user_id, w.escrow_balance, w.escrow_crypto, p.withdrawals, p.sells, p.crypto_withdrawals, p.market_cedis, p.market_crypto
        FROM wallets w
        CROSS JOIN LATERAL (
          SELECT (SELECT coalesce(sum(amount), 0) FROM cash_withdrawals WHERE user_id = w.user_id AND status = 'pending') AS withdrawals,
                 (SELECT coalesce(sum(amount + fee), 0) FROM crypto_withdrawals WHERE user_id = w.user_id AND status = 'pending') AS crypto_withdrawals,
                 (SELECT coalesce(sum(crypto_amount), 0) FROM crypto_transactions
                   WHERE user_id = w.user_id AND type = 'sell' AND status = 'pending') AS sells,
                 (SELECT coalesce(sum(reserved_cedis), 0) FROM orders WHERE user_id = w.user_id AND status IN ('PENDING', 'PROCESSING')) AS market_cedis,
                 (SELECT coalesce(sum(reserved_crypto), 0) FROM orders WHERE user_id = w.user_id AND status IN ('PENDING', 'PROCESSING')) AS market_crypto
        ) p
       WHERE (w.escrow_balance <> p.withdrawals + p.market_cedis OR w.escrow_crypto <> p.sells + p.crypto_withdrawals + p.market_crypto) AND ${mine('w.user_id')}`,
      only,
    ),
  );

  report(
    'money not conserved',
    await db.query(
      `SELECT w.user_id, w.balance_cedis + w.escrow_balance AS cedis, c.cedis AS expected_cedis,
             w.balance_crypto + w.escrow_crypto AS crypto, c.crypto AS expected_crypto
        FROM wallets w
        CROSS JOIN LATERAL (
          SELECT (SELECT coalesce(sum(amount), 0) FROM cash_deposits WHERE user_id = w.user_id AND status = 'approved')
               + (SELECT coalesce(sum(cedis_amount), 0) FROM crypto_transactions WHERE user_id = w.user_id AND type = 'sell' AND status = 'approved')
               - (SELECT coalesce(sum(amount), 0) FROM cash_withdrawals WHERE user_id = w.user_id AND status = 'approved')
               + (SELECT coalesce(sum(payout_ghs), 0) FROM gift_card_orders WHERE user_id = w.user_id AND status IN ('approved', 'completed'))
               + (SELECT coalesce(sum(total - fee_ghs), 0) FROM trades WHERE seller_id = w.user_id)
               - (SELECT coalesce(sum(total), 0) FROM trades WHERE buyer_id = w.user_id) AS cedis,
                 (SELECT coalesce(sum(crypto_amount), 0) FROM crypto_transactions WHERE user_id = w.user_id AND type = 'buy' AND status = 'approved')
               - (SELECT coalesce(sum(crypto_amount), 0) FROM crypto_transactions WHERE user_id = w.user_id AND type = 'sell' AND status = 'approved')
               + (SELECT coalesce(sum(amount), 0) FROM trades WHERE buyer_id = w.user_id)
               - (SELECT coalesce(sum(amount), 0) FROM trades WHERE seller_id = w.user_id)
               - (SELECT coalesce(sum(amount + fee), 0) FROM crypto_withdrawals WHERE user_id = w.user_id AND status = 'approved')
               + (SELECT coalesce(sum(credited_amount), 0) FROM crypto_deposits WHERE user_id = w.user_id AND status = 'approved') AS crypto
        ) c
       WHERE (w.balance_cedis + w.escrow_balance <> c.cedis OR w.balance_crypto + w.escrow_crypto <> c.crypto) AND ${mine('w.user_id')}`,
      only,
    ),
  );

  // Per request, the net ledger movement is exactly what DESIGN §6's state table says for its status,
  // on the wallet of the request's own user.
  report(
    'ledger movement of a request differs from its state',
    await db.query(
      `WITH expected (user_id, kind, id, account, amount) AS (
        SELECT user_id, 'buy', id, 'crypto_available', crypto_amount FROM crypto_transactions WHERE type = 'buy' AND status = 'approved'
        UNION ALL
        SELECT user_id, 'sell', id, 'crypto_available', -crypto_amount FROM crypto_transactions WHERE type = 'sell' AND status IN ('pending', 'approved')
        UNION ALL
        SELECT user_id, 'sell', id, 'crypto_reserved', crypto_amount FROM crypto_transactions WHERE type = 'sell' AND status = 'pending'
        UNION ALL
        SELECT user_id, 'sell', id, 'cedis_available', cedis_amount FROM crypto_transactions WHERE type = 'sell' AND status = 'approved'
        UNION ALL
        SELECT user_id, 'deposit', id, 'cedis_available', amount FROM cash_deposits WHERE status = 'approved'
        UNION ALL
        SELECT user_id, 'withdrawal', id, 'cedis_available', -amount FROM cash_withdrawals WHERE status IN ('pending', 'approved')
        UNION ALL
        SELECT user_id, 'withdrawal', id, 'cedis_reserved', amount FROM cash_withdrawals WHERE status = 'pending'
        UNION ALL
        SELECT user_id, 'gift_card', id, 'cedis_available', payout_ghs FROM gift_card_orders WHERE status IN ('approved', 'completed')
        UNION ALL
        SELECT user_id, 'crypto_withdrawal', id, 'crypto_available', -(amount + fee) FROM crypto_withdrawals WHERE status IN ('pending', 'approved')
        UNION ALL
        SELECT user_id, 'crypto_withdrawal', id, 'crypto_reserved', amount + fee FROM crypto_withdrawals WHERE status = 'pending'
        UNION ALL
        SELECT user_id, 'crypto_deposit', id, 'crypto_available', credited_amount FROM crypto_deposits WHERE status = 'approved'
        UNION ALL
        -- A market order: what it still reserves, what it has traded (from its trades), nothing else.
        SELECT o.user_id, 'market_order', o.id, m.account, m.amount
          FROM orders o
          CROSS JOIN LATERAL (
            SELECT coalesce(sum(t.amount), 0) AS amount, coalesce(sum(t.total), 0) AS total, coalesce(sum(t.total - t.fee_ghs), 0) AS proceeds
              FROM trades t WHERE o.id IN (t.order_id, t.resting_order_id)
          ) f
          CROSS JOIN LATERAL (VALUES
            ('cedis_available', CASE WHEN o.order_type = 'BUY' THEN -f.total - o.reserved_cedis ELSE f.proceeds END),
            ('cedis_reserved', o.reserved_cedis),
            ('crypto_available', CASE WHEN o.order_type = 'BUY' THEN f.amount ELSE -f.amount - o.reserved_crypto END),
            ('crypto_reserved', o.reserved_crypto)
          ) AS m(account, amount)
         WHERE m.amount <> 0
      ), actual AS (
        SELECT w.user_id, l.reference_kind AS kind, l.reference_id AS id, l.account, sum(l.amount) AS amount
          FROM ledger_entries l JOIN wallets w ON w.id = l.wallet_id
         GROUP BY 1, 2, 3, 4 HAVING sum(l.amount) <> 0
      )
      SELECT user_id, kind, id, account, e.amount AS expected, a.amount AS actual
        FROM expected e FULL JOIN actual a USING (user_id, kind, id, account)
       WHERE e.amount IS DISTINCT FROM a.amount AND ${mine('user_id')}
       ORDER BY kind, id, account`,
      only,
    ),
  );

  // The platform's fee account holds exactly the fees of all trades (it belongs to no user, so it is always checked).
  report(
    'platform fees differ from the fees of the trades',
    await db.query(
      `SELECT l.fees AS platform_fees, t.fees AS trade_fees
         FROM (SELECT coalesce(sum(amount), 0) AS fees FROM platform_ledger_entries WHERE account = 'fees_cedis') l,
              (SELECT coalesce(sum(fee_ghs), 0) AS fees FROM trades) t
        WHERE l.fees <> t.fees`,
    ),
  );

  report(
    'the crypto fee account differs from the fees of the crypto withdrawals sent',
    await db.query(
      `SELECT l.fees AS platform_fees, w.fees AS withdrawal_fees
         FROM (SELECT coalesce(sum(amount), 0) AS fees FROM platform_ledger_entries WHERE account = 'fees_crypto') l,
              (SELECT coalesce(sum(fee), 0) AS fees FROM crypto_withdrawals WHERE status = 'approved') w
        WHERE l.fees <> w.fees`,
    ),
  );

  return problems;
}

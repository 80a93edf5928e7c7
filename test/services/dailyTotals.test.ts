import { sha256 } from '@noble/hashes/sha2.js';
import { createBase58check, hex } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabasePool } from '../../src/db/setup/pool.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices, type AppServices } from '../../src/modules.ts';
import { SETTLE_MARGIN_MS } from '../../src/services/analytics/dailyTotals.ts';
import { MONEY_KINDS, STATS_WINDOWS, type BusinessSnapshot, type DayVolume, type MoneyMoved } from '../../src/services/analytics/stats.ts';
import { Big } from '../../src/services/common/amounts.ts';
import { calendarDay, startOfDay } from '../../src/services/common/calendar.ts';
import { newReference } from '../../src/services/common/references.ts';
import { sidewaysPhoto } from '../support/images.ts';
import { ADMIN, createMoneyHarness, createMoneyUser, fund, PAYOUT, payOut, setPrice, type MoneyHarness } from '../support/money.ts';

let h: MoneyHarness;
let photo: Buffer;
const cardIds: number[] = [];
/** Ama, Kofi and Esi move money; Yaw is verified on 9 June, Efua was rejected, Abena never sent documents. */
const users = { ama: 0, kofi: 0, esi: 0, yaw: 0, efua: 0, abena: 0 };

const at = (iso: string) => h.advance(Date.parse(iso) - h.now().getTime());

function created(result: { status: string; id?: number }): number {
  if (result.status !== 'created' || result.id === undefined) throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.id;
}

async function approve(kind: string, id: number): Promise<void> {
  const decision = await h.services.approvals.decide({ kind, id, action: 'approve', from: ADMIN });
  if (decision.outcome !== 'applied') throw new Error(`approve ${kind} #${id}: ${decision.outcome}`);
}

async function deposit(userId: number, amount: string): Promise<void> {
  await approve('deposit', created(await h.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null })));
}

async function withdrawal(userId: number, amount: string): Promise<void> {
  const paid = await payOut(h.services, created(await h.services.wallet.createWithdrawal({ userId, amount, payout: PAYOUT, reference: newReference('WD') })));
  if (paid.outcome !== 'applied') throw new Error(`withdrawal: ${paid.outcome}`);
}

/** TRON addresses made as wallets make them: base58check of 0x41 and 20 bytes. */
const tronAddress = (byte: string) => createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode(byte.repeat(20))]));

/** TRON on, with the desk's address, a fee of 1 USDT and a smallest withdrawal of 5 USDT. */
async function openTron(): Promise<void> {
  for (const [field, value] of [['deposit_address', tronAddress('1e')], ['withdrawal_fee', '1'], ['min_withdrawal', '5']] as const) {
    if (!(await h.services.wallet.networks.update('tron', field, value, ADMIN)).ok) throw new Error(`TRON ${field}`);
  }
  if (!(await h.services.wallet.networks.setEnabled('tron', true, ADMIN)).ok) throw new Error('TRON on');
}

/** A deposit from the user's wallet on TRON, credited as stated. */
async function cryptoDeposit(userId: number, amount: string, txHash: string): Promise<void> {
  const id = created(await h.services.wallet.crypto.createDeposit({ userId, network: 'tron', amount, txHash, reference: newReference('CDP') }));
  const decision = await h.services.approvals.decide({ kind: 'crypto_deposit', id, action: 'approve', from: ADMIN, confirmation: { amount, batch: false } });
  if (decision.outcome !== 'applied') throw new Error(`crypto deposit: ${decision.outcome}`);
}

/** A withdrawal to the user's wallet on TRON, claimed and paid. */
async function cryptoWithdrawal(userId: number, amount: string, txHash: string): Promise<void> {
  const request = { userId, network: 'tron', address: tronAddress('2f'), memo: null, amount, fee: '1.00000000', reference: newReference('CWD'), label: null } as const;
  const id = created(await h.services.wallet.crypto.createWithdrawal(request));
  const claimed = await h.services.approvals.claim({ kind: 'crypto_withdrawal', id, from: ADMIN });
  if (claimed.outcome !== 'applied') throw new Error(`claim crypto withdrawal: ${claimed.outcome}`);
  const paid = await h.services.approvals.decide({ kind: 'crypto_withdrawal', id, action: 'approve', from: ADMIN, payoutReference: txHash });
  if (paid.outcome !== 'applied') throw new Error(`crypto withdrawal: ${paid.outcome}`);
}

async function sell(userId: number, ghs: string): Promise<void> {
  await setPrice(h.services, '15.00');
  const quoted = await h.services.quotes.quote('sell', { currency: 'GHS', amount: ghs });
  if (quoted.status !== 'ok') throw new Error(quoted.status);
  await approve('sell', created(await h.services.trading.createSell({ userId, quote: quoted.quote, reference: newReference('SELL') })));
}

async function giftCard(userId: number, cardId: number, faceValue: string): Promise<void> {
  const order = await h.services.giftcards.orders.create({ userId, cardId, faceValue, quotedRate: '11.50', code: null, proofs: [photo], reference: newReference('GC') });
  await approve('gift_card', created(order));
}

async function trade(amount: string, price: string): Promise<void> {
  for (const [userId, side] of [[users.kofi, 'SELL'], [users.ama, 'BUY']] as const) {
    const placed = await h.services.market.place({ userId, side, amount, price, reference: newReference('MKT') });
    if (placed.status !== 'placed') throw new Error(`place: ${placed.status}`);
  }
}

/** Movements on either side of midnights, of every kind, over a week (Accra is UTC all year). */
async function history(): Promise<void> {
  at('2025-06-03T23:59:59.999Z');
  await deposit(users.esi, '1000.10');
  at('2025-06-04T00:00:00.000Z');
  await withdrawal(users.esi, '200.25');
  at('2025-06-05T12:00:00Z');
  await giftCard(users.esi, cardIds[0] ?? 0, '100');
  await giftCard(users.ama, cardIds[1] ?? 0, '40');
  await h.services.wallet.createDeposit({ userId: users.esi, amount: '77', method: 'momo', reference: newReference('DEP'), proof: null }); // waits
  at('2025-06-06T10:00:00Z');
  await trade('2.5', '15.10');
  at('2025-06-07T18:30:00Z');
  await sell(users.kofi, '150');
  await giftCard(users.ama, cardIds[1] ?? 0, '100');
  at('2025-06-07T20:00:00Z');
  await cryptoDeposit(users.ama, '12', '3e'.repeat(32));
  await cryptoWithdrawal(users.kofi, '5', '5a'.repeat(32));
  at('2025-06-08T23:00:00Z');
  await setPrice(h.services, '15.00');
  await fund(h.services, users.ama, { crypto: '4' });
  const submitted = await h.services.kyc.submit(
    { userId: users.yaw, documentType: 'PASSPORT', documentNumber: 'G1234567', firstName: 'Yaw', lastName: 'Test', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
    { front: photo, back: null, selfie: photo },
  );
  if (submitted.status !== 'submitted') throw new Error(submitted.status);
  await approve('kyc', submitted.kyc.id);
  // KYC reviews are stamped by the database's clock: put this one on 9 June, and the users' joining on their days.
  await h.db.query("UPDATE kyc_submissions SET reviewed_at = '2025-06-09T10:00:00Z' WHERE user_id = $1", [users.yaw]);
  const joined = { yaw: '2025-05-20T10:00:00Z', efua: '2025-06-04T00:00:00Z', abena: '2025-06-08T23:59:59Z', esi: '2025-06-09T08:00:00Z' };
  for (const [name, when] of Object.entries(joined)) await h.db.query('UPDATE users SET created_at = $1 WHERE id = $2', [when, users[name as keyof typeof users]]);
}

const MOVED = `
  SELECT type AS kind, decided_at AS at, cedis_amount AS ghs FROM crypto_transactions WHERE status = 'approved'
  UNION ALL SELECT 'deposit', decided_at, amount FROM cash_deposits WHERE status = 'approved'
  UNION ALL SELECT 'withdrawal', decided_at, amount FROM cash_withdrawals WHERE status = 'approved'
  UNION ALL SELECT 'gift_card', decided_at, payout_ghs FROM gift_card_orders WHERE status IN ('approved', 'completed')
  UNION ALL SELECT 'market', created_at, total FROM trades
  UNION ALL SELECT 'crypto_deposit', decided_at, credited_value_ghs FROM crypto_deposits WHERE status = 'approved'
  UNION ALL SELECT 'crypto_withdrawal', decided_at, value_ghs FROM crypto_withdrawals WHERE status = 'approved'`;

/** Money moved from `from` to `to`, summed over the tables as the statistics did before any day was rolled up. */
async function movedBetween(from: Date, to: Date): Promise<MoneyMoved> {
  const rows = await h.db.query<{ kind: string; count: number; ghs: string }>(
    `SELECT kind, count(*)::int AS count, sum(ghs)::text AS ghs FROM (${MOVED}) m WHERE at >= $1 AND at < $2 GROUP BY kind`,
    [from, to],
  );
  const byKind = MONEY_KINDS.map((kind) => {
    const row = rows.find((candidate) => candidate.kind === kind);
    return { kind, count: row?.count ?? 0, ghs: new Big(row?.ghs ?? 0).toFixed(2) };
  });
  return { byKind, count: rows.reduce((sum, row) => sum + row.count, 0), ghs: rows.reduce((sum, row) => sum.plus(row.ghs), new Big(0)).toFixed(2) };
}

/** What /stats shows at `now`, computed from the tables alone. */
async function fromTheTables(now: Date): Promise<BusinessSnapshot> {
  const since = (days: number) => startOfDay(now, 1 - days);
  const one = async <R,>(text: string, values: unknown[] = []) => (await h.db.query(text, values))[0] as R;
  const joined = async (days: number) => (await one<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE created_at >= $1 AND created_at < $2', [since(days), now])).n;
  const kyc = await one<BusinessSnapshot['kyc']>(`
    SELECT count(*)::int AS registered, count(*) FILTER (WHERE k.id IS NOT NULL OR u.kyc_status <> 'pending')::int AS submitted,
           count(*) FILTER (WHERE k.status IN ('PENDING', 'UNDER_REVIEW'))::int AS waiting,
           count(*) FILTER (WHERE u.kyc_status = 'approved')::int AS approved, count(*) FILTER (WHERE u.kyc_status = 'rejected')::int AS rejected
      FROM users u LEFT JOIN kyc_verifications k ON k.user_id = u.id`);
  const market = await one<BusinessSnapshot['market']>(
    `SELECT (SELECT count(*)::int FROM orders WHERE order_type = 'BUY' AND status IN ('PENDING', 'PROCESSING')) AS open_buy,
            (SELECT count(*)::int FROM orders WHERE order_type = 'SELL' AND status IN ('PENDING', 'PROCESSING')) AS open_sell,
            (SELECT coalesce(sum(amount), 0)::numeric(30, 8)::text FROM trades WHERE created_at >= $1 AND created_at < $2) AS crypto_volume`,
    [since(30), now],
  );
  const topGiftCards = await h.db.query<BusinessSnapshot['topGiftCards'][number]>(
    `SELECT c.name, c.brand, o.currency, count(*)::int AS trade_ins, sum(o.amount)::text AS face_value, sum(o.payout_ghs)::text AS payout_ghs
       FROM gift_card_orders o JOIN gift_cards c ON c.id = o.card_id
      WHERE o.status IN ('approved', 'completed') AND o.decided_at >= $1 AND o.decided_at < $2
      GROUP BY c.id, c.name, c.brand, o.currency ORDER BY sum(o.payout_ghs) DESC, count(*) DESC, c.id LIMIT 5`,
    [since(30), now],
  );
  const dailyVolumes: DayVolume[] = [];
  for (let day = 29; day >= 0; day -= 1) {
    const moved = await movedBetween(startOfDay(now, -day), day === 0 ? now : startOfDay(now, 1 - day));
    dailyVolumes.push({ day: calendarDay(startOfDay(now, -day)), byKind: Object.fromEntries(moved.byKind.map((row) => [row.kind, row.ghs])) as DayVolume['byKind'], total: moved.ghs });
  }
  return {
    at: now,
    users: { total: kyc.registered, joined: { Today: await joined(1), 'Last 7 days': await joined(7), 'Last 30 days': await joined(30) } },
    kyc,
    moneyMoved: await Promise.all(STATS_WINDOWS.map(async (window) => ({ window: window.name, moved: await movedBetween(since(window.days), now) }))),
    topGiftCards,
    market,
    dailyVolumes,
  };
}

const rolledUp = async () => (await h.db.query<{ day: string }>('SELECT day::text AS day FROM daily_totals ORDER BY day')).map((row) => row.day);

beforeAll(async () => {
  h = await createMoneyHarness();
  photo = await sidewaysPhoto();
  await setPrice(h.services, '15.00');
  for (const name of Object.keys(users) as (keyof typeof users)[]) users[name] = await createMoneyUser(h.db, { kyc: ['yaw', 'abena'].includes(name) ? 'pending' : 'approved' });
  await h.db.query(`UPDATE users SET kyc_status = 'rejected' WHERE id = $1`, [users.efua]);
  await fund(h.services, users.ama, { cedis: '5000' });
  await fund(h.services, users.kofi, { cedis: '1000', crypto: '40' });
  await fund(h.services, users.esi, { cedis: '500' });
  for (const brand of ['Steam', 'Apple']) {
    const card = await h.services.giftcards.catalogue.add({ name: `${brand} Wallet`, brand, currency: 'USD', rateBuy: '11.50', rateSell: '13.00', active: true }, null, ADMIN);
    if (card.status !== 'done') throw new Error(card.status);
    cardIds.push(card.card.id);
  }
  await openTron();
  await history();
});
afterAll(async () => {
  await h.close();
});

describe('the statistics of closed days, kept in daily_totals', () => {
  it('equal the sums over the tables whether a day is rolled up or summed live, at any time of day', async () => {
    // At midnight exactly: today has no time in it yet, yesterday is summed live.
    at('2025-06-09T00:00:00Z');
    expect(await h.services.analytics.stats.snapshot(h.now())).toEqual(await fromTheTables(h.now()));
    expect(await rolledUp()).not.toContain('2025-06-08');
    at('2025-06-09T12:00:00Z');
    expect(await h.services.analytics.stats.snapshot(h.now())).toEqual(await fromTheTables(h.now()));
    // The 30 days up to yesterday are rolled up, today is not.
    expect((await rolledUp()).at(0)).toBe('2025-05-11');
    expect((await rolledUp()).at(-1)).toBe('2025-06-08');
    expect(await rolledUp()).toHaveLength(29);

    at('2025-06-09T23:59:59.500Z');
    await deposit(users.ama, '300');
    // Just after midnight yesterday is still summed live: a decision stamped before midnight may still be committing.
    at('2025-06-10T00:00:30Z');
    expect(await h.services.analytics.stats.snapshot(h.now())).toEqual(await fromTheTables(h.now()));
    expect(await rolledUp()).not.toContain('2025-06-09');
    at('2025-06-09T23:59:59.900Z');
    await deposit(users.ama, '75'); // stamped before midnight, committed after
    at(new Date(Date.parse('2025-06-10T00:00:00Z') + SETTLE_MARGIN_MS - 1000).toISOString());
    expect(await h.services.analytics.stats.snapshot(h.now())).toEqual(await fromTheTables(h.now()));
    expect(await rolledUp()).not.toContain('2025-06-09');

    at('2025-06-10T01:30:00Z');
    const snapshot = await h.services.analytics.stats.snapshot(h.now());
    expect(snapshot).toEqual(await fromTheTables(h.now()));
    expect(await rolledUp()).toContain('2025-06-09');
    expect(snapshot.dailyVolumes.find((day) => day.day === '2025-06-09')?.byKind.deposit).toBe('375.00');
    expect(await h.services.analytics.stats.previousDay(h.now())).toMatchObject({ day: '2025-06-09', moneyMoved: await movedBetween(startOfDay(h.now(), -1), startOfDay(h.now())) });
  });

  it('are read from daily_totals once rolled up (a closed day is never summed again), while today comes from the tables', async () => {
    at('2025-06-10T09:00:00Z');
    const stats = () => h.services.analytics.stats.snapshot(h.now());
    const before = await stats();
    const rolledUpAt = await h.db.query('SELECT day, rolled_up_at FROM daily_totals ORDER BY day');
    // Nothing in the bot changes a decided request; an edit by hand of a closed day's deposit is not seen.
    await h.db.query("UPDATE cash_deposits SET amount = amount + 1000 WHERE decided_at = '2025-06-03T23:59:59.999Z'");
    expect((await fromTheTables(h.now())).moneyMoved).not.toEqual(before.moneyMoved);
    expect((await stats()).moneyMoved).toEqual(before.moneyMoved);
    expect(await h.db.query('SELECT day, rolled_up_at FROM daily_totals ORDER BY day')).toEqual(rolledUpAt);
    await h.db.query("UPDATE cash_deposits SET amount = amount - 1000 WHERE decided_at = '2025-06-03T23:59:59.999Z'");

    // Today's approvals show at once.
    await deposit(users.esi, '145.55');
    h.advance(1000);
    const after = await stats();
    const deposits = (snapshot: BusinessSnapshot) => snapshot.moneyMoved.map(({ moved }) => moved.byKind.find((row) => row.kind === 'deposit'));
    expect(deposits(after)).toEqual(deposits(before).map((row) => ({ kind: 'deposit', count: (row?.count ?? 0) + 1, ghs: new Big(row?.ghs ?? 0).plus('145.55').toFixed(2) })));
    expect(after).toEqual(await fromTheTables(h.now()));
  });

  it('are rolled up once when two instances need the same days at the same moment, and both show the same figures', async () => {
    await h.db.query('TRUNCATE daily_totals CASCADE');
    const otherPool = await createDatabasePool(h.db.url);
    const other: AppServices = createServices({
      pool: otherPool,
      config: {
        adminIds: [ADMIN.id],
        dataDir: h.dataDir,
        cryptoAsset: 'USDT',
        stateSecret: 'money-test-state-secret-0123456789',
        rateSources: { coinmarketcapUrl: 'http://127.0.0.1:9', coinmarketcapApiKey: undefined, coingeckoUrl: 'http://127.0.0.1:9' },
      },
      logger: createLogger('silent'),
      clock: () => h.now(),
    });
    try {
      const now = h.now();
      const [ours, theirs, ourDay, theirDay] = await Promise.all([
        h.services.analytics.stats.snapshot(now),
        other.analytics.stats.snapshot(now),
        h.services.analytics.stats.previousDay(now),
        other.analytics.stats.previousDay(now),
      ]);
      const expected = await fromTheTables(now);
      expect(ours).toEqual(expected);
      expect(theirs).toEqual(expected);
      expect(theirDay).toEqual(ourDay);
      expect(ourDay).toEqual({
        day: '2025-06-09',
        newUsers: 1,
        kycDecisions: { approved: 1, rejected: 0 },
        moneyMoved: await movedBetween(startOfDay(now, -1), startOfDay(now)),
      });
      // 12 May to 9 June, each once, with what the tables hold for each day.
      const days = await rolledUp();
      expect(days).toHaveLength(29);
      expect([days[0], days.at(-1)]).toEqual(['2025-05-12', '2025-06-09']);
      const kinds = MONEY_KINDS.map((kind) => `('${kind}', ${kind}_movements, ${kind}_ghs)`).join(', ');
      const stored = await h.db.query(
        `SELECT day::text AS day, k.kind, k.movements, k.ghs::text AS ghs
           FROM daily_totals, LATERAL (VALUES ${kinds}) AS k(kind, movements, ghs) WHERE k.movements > 0 ORDER BY 1, 2`,
      );
      const summed = await h.db.query(
        `SELECT (at AT TIME ZONE 'Africa/Accra')::date::text AS day, kind, count(*)::int AS movements, sum(ghs)::text AS ghs
           FROM (${MOVED}) m WHERE at >= '2025-05-12' AND at < '2025-06-10' GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(stored).toEqual(summed);
      expect(stored.length).toBeGreaterThan(0);
      // Crypto in and out on 7 June, at their value in GHS (a deposit at the buy rate when credited).
      const crypto = stored.filter((row) => String(row.kind).startsWith('crypto_'));
      expect(crypto.map(({ day, kind, movements }) => ({ day, kind, movements }))).toEqual([
        { day: '2025-06-07', kind: 'crypto_deposit', movements: 1 },
        { day: '2025-06-07', kind: 'crypto_withdrawal', movements: 1 },
      ]);
      expect(crypto.every((row) => new Big(String(row.ghs)).gt(0))).toBe(true);
    } finally {
      await otherPool.end();
    }
  });

  it("leave the days the database's clock has not closed to be summed live, so what it stamps still counts (the sandbox's fast forward)", async () => {
    const real = Date.now();
    at(new Date(real + 3 * 86_400_000).toISOString());
    await h.services.analytics.stats.snapshot(h.now());
    const endOf = (day: string) => startOfDay(new Date(`${day}T12:00:00Z`), 1).getTime();
    expect((await rolledUp()).filter((day) => endOf(day) > real - SETTLE_MARGIN_MS)).toEqual([]);
    // A user registering now is stamped by the database's clock, on a day the bot's clock has left behind.
    const before = await h.services.analytics.stats.snapshot(h.now());
    await createMoneyUser(h.db);
    const after = await h.services.analytics.stats.snapshot(h.now());
    expect(after.users.joined['Last 7 days']).toBe(before.users.joined['Last 7 days'] + 1);
    expect(after).toEqual(await fromTheTables(h.now()));
  });
});

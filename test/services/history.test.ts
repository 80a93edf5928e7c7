import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../src/services/common/references.ts';
import { HISTORY_PAGE_SIZE } from '../../src/services/wallet/history.ts';
import { createMoneyHarness, createMoneyUser, fund, PAYOUT, setPrice, type MoneyHarness } from '../support/money.ts';

let h: MoneyHarness;

beforeAll(async () => {
  h = await createMoneyHarness();
  await setPrice(h.services, '15.00');
});
afterAll(async () => {
  await h.close();
});

/** One request of the kind, a minute after the previous one; returns its reference. */
async function request(userId: number, kind: 'deposit' | 'withdrawal' | 'buy', index: number): Promise<string> {
  h.advance(60_000);
  const amount = String(50 + index);
  const created =
    kind === 'deposit'
      ? await h.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null })
      : kind === 'withdrawal'
        ? await h.services.wallet.createWithdrawal({ userId, amount, payout: PAYOUT, reference: newReference('WD') })
        : await (async () => {
            const quoted = await h.services.quotes.quote('buy', { currency: 'CRYPTO', amount: '5' });
            if (quoted.status !== 'ok') throw new Error(`quote: ${quoted.status}`);
            return h.services.trading.createBuy({ userId, quote: quoted.quote, method: 'momo', reference: newReference('BUY'), proof: null });
          })();
  if (created.status !== 'created') throw new Error(`${kind}: ${created.status}`);
  const [row] = await h.db.query<{ reference: string }>(
    `SELECT reference FROM ${kind === 'buy' ? 'crypto_transactions' : kind === 'deposit' ? 'cash_deposits' : 'cash_withdrawals'} WHERE id = $1`,
    [created.id],
  );
  if (!row) throw new Error(`${kind} ${created.id} not found`);
  return row.reference;
}

describe('history', () => {
  it('pages through requests of every kind in one newest-first order, whichever kinds a page mixes', async () => {
    const userId = await createMoneyUser(h.db);
    await fund(h.services, userId, { cedis: '5000' });
    // Alternations, and a run of one kind longer than a page, so a page can hold several kinds or just one.
    const kinds = ['buy', 'deposit', ...Array.from({ length: 7 }, () => 'withdrawal' as const), 'buy', 'deposit', 'buy', 'deposit', 'buy'] as const;
    const references: string[] = [];
    for (const [index, kind] of kinds.entries()) references.push(await request(userId, kind, index));

    const first = await h.services.history.page(userId, 0);
    // The funding deposit comes first of all, so last in the history.
    expect(first.pages).toBe(Math.ceil((kinds.length + 1) / HISTORY_PAGE_SIZE));
    const shown = [first];
    for (let page = 1; page < first.pages; page += 1) shown.push(await h.services.history.page(userId, page));
    const listed = shown.flatMap((page) => page.rows.map((row) => row.reference));
    expect(listed.slice(0, kinds.length)).toEqual([...references].reverse());
    expect(listed).toHaveLength(kinds.length + 1);
    expect(shown.map((page) => page.page)).toEqual(shown.map((_, index) => index));
  });
});

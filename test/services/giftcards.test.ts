import { readdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionResult } from '../../src/services/approvals/approvals.ts';
import type { GiftCardFacts } from '../../src/services/giftcards/approvalKind.ts';
import type { TradeInRequest, TradeInResult } from '../../src/services/giftcards/orders.ts';
import { newReference } from '../../src/services/common/references.ts';
import { STARTER_CATALOGUE } from '../../src/services/giftcards/starterCatalogue.ts';
import { sidewaysPhoto, tinyPng } from '../support/images.ts';
import { ADMIN, createMoneyHarness, createMoneyUser, invariantViolations, walletOf, type MoneyHarness } from '../support/money.ts';

let h: MoneyHarness;
let photo: Buffer;
let nextCard = 0;

beforeAll(async () => {
  [h, photo] = await Promise.all([createMoneyHarness(), sidewaysPhoto()]);
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  expect(await invariantViolations(h.db)).toEqual([]);
});

/** A new active card in the catalogue, added as an admin would. */
async function activeCard(rateBuy = '11.50'): Promise<number> {
  nextCard += 1;
  const outcome = await h.services.giftcards.catalogue.add(
    { name: `Test Card ${nextCard}`, brand: 'Testbrand', currency: 'USD', rateBuy, rateSell: '13.00', active: true },
    null,
    ADMIN,
  );
  if (outcome.status !== 'done') throw new Error(`add card: ${outcome.status}`);
  return outcome.card.id;
}

function tradeIn(userId: number, cardId: number, overrides: Partial<TradeInRequest> = {}): Promise<TradeInResult> {
  return h.services.giftcards.orders.create({
    userId,
    cardId,
    faceValue: '100.00',
    quotedRate: '11.50',
    code: null,
    proofs: [photo],
    reference: newReference('GC'),
    ...overrides,
  });
}

function createdId(result: TradeInResult): number {
  if (result.status !== 'created') throw new Error(`expected created, got ${JSON.stringify(result)}`);
  return result.id;
}

const decide = (id: number, action: 'approve' | 'decline' | 'follow_up'): Promise<DecisionResult> =>
  h.services.approvals.decide({ kind: 'gift_card', id, action, from: ADMIN, reason: action === 'decline' ? 'Invalid code' : undefined });

function countOutcomes(results: readonly DecisionResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
const storedProofs = async () => (await readdir(h.services.media.absolutePath('proofs')).catch(() => [])).length;

describe('the catalogue', () => {
  it('creates the starter catalogue once, inactive and without rates', async () => {
    // Two instances starting at once on an empty catalogue.
    const seeded = await Promise.all([h.services.giftcards.catalogue.seedStarterCatalogue(), h.services.giftcards.catalogue.seedStarterCatalogue()]);
    expect(seeded.sort()).toEqual([0, STARTER_CATALOGUE.length]);
    const cards = await h.db.query<{ brand: string; is_active: boolean; rate_buy: string }>('SELECT brand, is_active, rate_buy FROM gift_cards');
    expect(cards.map((card) => card.brand)).toEqual(expect.arrayContaining(['Amazon', 'Apple', 'Steam', 'Google Play', 'Razer Gold', 'Sephora', 'Nordstrom', 'eBay', 'Vanilla']));
    expect(cards.every((card) => !card.is_active && card.rate_buy === '0.00')).toBe(true);
    expect(await h.services.giftcards.catalogue.seedStarterCatalogue()).toBe(0);
    expect(await h.services.giftcards.catalogue.active()).toEqual([]);
  });

  it('activates a card only with a buying rate, and audits every change with the old and new values', async () => {
    const [steam] = (await h.services.giftcards.catalogue.all()).filter((card) => card.brand === 'Steam');
    if (!steam) throw new Error('no Steam card');
    const { catalogue } = h.services.giftcards;
    expect(await catalogue.setActive(steam.id, true, ADMIN)).toMatchObject({ status: 'no_rate' });
    expect(await catalogue.setRates(steam.id, { rateBuy: '11.50', rateSell: '12.80' }, ADMIN)).toMatchObject({ status: 'done' });
    expect(await catalogue.setRates(steam.id, { rateBuy: '11.50', rateSell: '12.80' }, ADMIN)).toMatchObject({ status: 'unchanged' });
    expect(await catalogue.setActive(steam.id, true, ADMIN)).toMatchObject({ status: 'done', card: { is_active: true } });
    expect(await catalogue.setActive(steam.id, true, ADMIN)).toMatchObject({ status: 'unchanged' });
    expect(await catalogue.setImage(steam.id, photo, ADMIN)).toMatchObject({ status: 'done', card: { image: expect.stringMatching(/^giftcards\/[\w-]+\.jpg$/) as unknown } });
    expect(await catalogue.setActive(steam.id, false, { id: 12345, first_name: 'Nobody' })).toEqual({ status: 'not_admin' });
    expect(await catalogue.add({ name: 'steam wallet (usa)', brand: 'STEAM', currency: 'USD', rateBuy: '1.00', rateSell: '1.00', active: false }, null, ADMIN)).toEqual({
      status: 'duplicate',
    });

    const audit = await h.db.query("SELECT action, details FROM admin_audit_log WHERE subject_kind = 'gift_card_catalogue' AND subject_id = $1 ORDER BY id", [steam.id]);
    expect(audit).toEqual([
      { action: 'update_rates', details: { rate_buy_from: '0.00', rate_buy_to: '11.50', rate_sell_from: '0.00', rate_sell_to: '12.80' } },
      { action: 'activate', details: {} },
      { action: 'set_image', details: { from: null, to: expect.stringMatching(/^giftcards\//) as unknown } },
    ]);
  });
});

describe('approving a gift card trade-in', () => {
  it('credits the payout once for 50 simultaneous approvals, and completes once for 20 simultaneous taps', async () => {
    const userId = await createMoneyUser(h.db);
    const id = createdId(await tradeIn(userId, await activeCard(), { faceValue: '250.50' }));

    const approvals = await Promise.all(Array.from({ length: 50 }, () => decide(id, 'approve')));
    expect(countOutcomes(approvals)).toEqual({ applied: 1, already_decided: 49 });
    expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '2880.75', escrow_balance: '0.00' });
    const ledger = await h.db.query("SELECT account, amount, reason FROM ledger_entries WHERE reference_kind = 'gift_card' AND reference_id = $1", [id]);
    expect(ledger).toEqual([{ account: 'cedis_available', amount: '2880.75000000', reason: 'gift_card_approved' }]);

    const completions = await Promise.all(Array.from({ length: 20 }, () => decide(id, 'follow_up')));
    expect(countOutcomes(completions)).toEqual({ applied: 1, already_decided: 19 });
    const [row] = await h.db.query('SELECT status, decided_at IS NOT NULL AS decided, completed_at IS NOT NULL AS completed FROM gift_card_orders WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'completed', decided: true, completed: true });
    expect((await walletOf(h.db, userId)).balance_cedis).toBe('2880.75');
    const audit = await h.db.query("SELECT action FROM admin_audit_log WHERE subject_kind = 'gift_card' AND subject_id = $1 ORDER BY id", [id]);
    expect(audit).toEqual([{ action: 'approve' }, { action: 'complete' }]);
    const notices = await h.db.query("SELECT notification_type FROM notifications WHERE user_id = $1 AND notification_type LIKE 'GIFT_CARD_%' ORDER BY id", [userId]);
    expect(notices).toEqual([{ notification_type: 'GIFT_CARD_APPROVED' }, { notification_type: 'GIFT_CARD_COMPLETED' }]);
    const card = await h.services.approvals.card('gift_card', id);
    expect(card).toMatchObject({ status: 'completed', decision: { action: 'approve', by: 'Admin' }, followUp: { by: 'Admin' } });
  });

  it('lets exactly one of simultaneous approvals and declines win, never both', async () => {
    const cardId = await activeCard();
    for (let round = 0; round < 5; round += 1) {
      const userId = await createMoneyUser(h.db);
      const id = createdId(await tradeIn(userId, cardId));
      const actions = Array.from({ length: 8 }, (_, index): 'approve' | 'decline' => ((index + round) % 2 === 0 ? 'approve' : 'decline'));
      const results = await Promise.all(actions.map((action) => decide(id, action)));
      const winners = actions.filter((_, index) => results[index]?.outcome === 'applied');
      expect(winners).toHaveLength(1);
      const [row] = await h.db.query<{ status: string }>('SELECT status FROM gift_card_orders WHERE id = $1', [id]);
      expect(row?.status).toBe(winners[0] === 'approve' ? 'approved' : 'declined');
      expect((await walletOf(h.db, userId)).balance_cedis).toBe(winners[0] === 'approve' ? '1150.00' : '0.00');
    }
  });

  it('marks completed only an approved order', async () => {
    const cardId = await activeCard();
    const userId = await createMoneyUser(h.db);
    const pending = createdId(await tradeIn(userId, cardId));
    const declined = createdId(await tradeIn(userId, cardId));
    expect((await decide(declined, 'decline')).outcome).toBe('applied');

    expect((await decide(pending, 'follow_up')).outcome).toBe('already_decided');
    expect((await decide(declined, 'follow_up')).outcome).toBe('already_decided');
    const rows = await h.db.query('SELECT status FROM gift_card_orders WHERE id = ANY($1) ORDER BY id', [[pending, declined]]);
    expect(rows).toEqual([{ status: 'pending' }, { status: 'declined' }]);
    expect((await walletOf(h.db, userId)).balance_cedis).toBe('0.00');
  });
});

describe('creating a trade-in', () => {
  it('stores the rate and payout (rounded down to pesewas), so a later rate change leaves the order as it was', async () => {
    const cardId = await activeCard('11.57');
    const userId = await createMoneyUser(h.db);
    const id = createdId(await tradeIn(userId, cardId, { faceValue: '33.33', quotedRate: '11.57' }));
    expect(await h.services.giftcards.catalogue.setRates(cardId, { rateBuy: '20.00', rateSell: '21.00' }, ADMIN)).toMatchObject({ status: 'done' });

    const [row] = await h.db.query('SELECT amount, currency, rate_buy, payout_ghs, status FROM gift_card_orders WHERE id = $1', [id]);
    expect(row).toEqual({ amount: '33.33', currency: 'USD', rate_buy: '11.57', payout_ghs: '385.62', status: 'pending' });
    expect((await decide(id, 'approve')).outcome).toBe('applied');
    expect((await walletOf(h.db, userId)).balance_cedis).toBe('385.62');
  });

  it('re-checks the card, the rate, the user and the limits in its transaction, and keeps no proofs of refused orders', async () => {
    const cardId = await activeCard('11.50');
    const userId = await createMoneyUser(h.db);
    const unverified = await createMoneyUser(h.db, { kyc: 'pending' });
    const before = await storedProofs();

    expect(await tradeIn(userId, cardId, { quotedRate: '11.00' })).toEqual({ status: 'rate_changed', rateBuy: '11.50', payoutGhs: '1150.00' });
    expect(await tradeIn(unverified, cardId)).toEqual({ status: 'refused', refusal: { reason: 'kyc_required', kycStatus: 'pending' } });
    expect(await tradeIn(userId, cardId, { faceValue: '2000.01' })).toMatchObject({ status: 'invalid', reason: expect.stringContaining('USD 2,000.00') as unknown });
    expect(await tradeIn(userId, cardId, { proofs: [photo, await tinyPng()] })).toMatchObject({ status: 'invalid_image', reason: expect.stringContaining('600 pixels') as unknown });
    expect(await h.services.giftcards.catalogue.setActive(cardId, false, ADMIN)).toMatchObject({ status: 'done' });
    expect(await tradeIn(userId, cardId)).toEqual({ status: 'card_unavailable' });

    expect(await h.db.query('SELECT id FROM gift_card_orders WHERE user_id = ANY($1)', [[userId, unverified]])).toEqual([]);
    expect(await storedProofs()).toBe(before);
  });

  it('returns the order made first for a repeated reference, also when the repeats race', async () => {
    const cardId = await activeCard();
    const userId = await createMoneyUser(h.db);
    const reference = newReference('GC');
    const first = await tradeIn(userId, cardId, { reference });
    const before = await storedProofs();
    const repeats = await Promise.all(Array.from({ length: 5 }, () => tradeIn(userId, cardId, { reference, proofs: [photo, photo] })));

    expect(repeats).toEqual(Array.from({ length: 5 }, () => first));
    expect(await h.db.query('SELECT reference FROM gift_card_orders WHERE user_id = $1', [userId])).toEqual([{ reference }]);
    expect(await storedProofs()).toBe(before);

    const other = reference.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
    const racing = await Promise.all(Array.from({ length: 5 }, () => tradeIn(userId, cardId, { reference: other })));
    expect(new Set(racing.map((result) => createdId(result))).size).toBe(1);
    expect(await h.db.query('SELECT count(*)::int AS orders FROM gift_card_orders WHERE user_id = $1', [userId])).toEqual([{ orders: 2 }]);
  });

  it('keeps the e-code sealed in the database and opens it only for the admin card', async () => {
    const userId = await createMoneyUser(h.db);
    const id = createdId(await tradeIn(userId, await activeCard(), { code: 'X7KQ-9M2P-4TZA' }));
    const [row] = await h.db.query<{ card_code: Buffer }>('SELECT card_code FROM gift_card_orders WHERE id = $1', [id]);
    expect(row?.card_code.toString('latin1')).not.toContain('X7KQ');
    const card = await h.services.approvals.card('gift_card', id);
    expect((card?.details as GiftCardFacts).code).toBe('X7KQ-9M2P-4TZA');
    const page = await h.services.giftcards.orders.page(userId, 0);
    expect(JSON.stringify(page)).not.toContain('X7KQ');
    expect(page.rows[0]).not.toHaveProperty('card_code');
  });

  it('shows trade-ins in the user history with their payout', async () => {
    const userId = await createMoneyUser(h.db);
    const created = await tradeIn(userId, await activeCard(), { faceValue: '20' });
    const history = await h.services.history.page(userId, 0);
    expect(history.rows).toMatchObject([{ kind: 'gift_card', id: createdId(created), cedis_amount: '230.00', crypto_amount: null, status: 'pending' }]);
  });
});

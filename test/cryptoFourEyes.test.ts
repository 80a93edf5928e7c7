import { sha256 } from '@noble/hashes/sha2.js';
import { createBase58check, hex } from '@scure/base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cryptoWithdrawalCardView } from '../src/features/wallet/cryptoCards.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, cryptoDepositInChat, referenceIn, setPrice } from './support/flows.ts';
import { invariantViolations } from './support/money.ts';

/**
 * Four eyes on crypto (issue 22, point 4): a crypto deposit or withdrawal is valued at the desk's current sell rate when
 * the approval is decided, and without a fresh price it needs two admins whenever the threshold is on.
 */
const KWABENA = { id: 981001, first_name: 'Kwabena', last_name: 'Admin' };
const ESI = { id: 981002, first_name: 'Esi', last_name: 'Boateng' };
const DESK_TRON_ADDRESS = createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode('4e'.repeat(20))]));

const desk = useDesk({
  admins: { kwabena: KWABENA, esi: ESI },
  firstUserId: 9810,
  startFrom: ["UPDATE settings SET second_approval_above_ghs = 300, spread_percent = 2, live_rate_source = 'manual'", 'DELETE FROM crypto_networks'],
  updatesPer10s: 300,
  // The sell rate is 15.20 × 0.98 = 14.89 (rounded down): 25 USDT are worth GHS 372.25, 10 are worth GHS 148.90.
  price: '15.20',
});
beforeEach(async () => {
  for (const [field, value] of [['deposit_address', DESK_TRON_ADDRESS], ['withdrawal_fee', '1'], ['min_withdrawal', '5']] as const) {
    expect((await desk.bot.services.wallet.networks.update('tron', field, value, KWABENA)).ok).toBe(true);
  }
  expect((await desk.bot.services.wallet.networks.setEnabled('tron', true, KWABENA)).ok).toBe(true);
});
afterEach(async () => {
  expect(await invariantViolations(desk.db)).toEqual([]);
});

/** /deposit → USDT from a wallet → TRON, the amount and the hash, as the user types them; the deposit's card. */
async function depositByHash(user: TestUser, amount: string, hash: string): Promise<{ reference: string; card: ChatMessage }> {
  const reference = referenceIn(await cryptoDepositInChat(desk.tg, user, 'TRON (TRC-20)', amount, hash), 'CDP');
  return { reference, card: await cardFor(desk.tg, reference) };
}

/** An admin approves the deposit on its card for the amount the user stated; what the bot then says in the group. */
async function approveAsStated(admin: TestUser, card: ChatMessage): Promise<string> {
  const answer = await admin.tapAndAwaitAnswer(card, /^✅ Approve/, { chatId: ADMIN_CHAT_ID });
  expect(answer.text).toBe('Type the amount that arrived in the chat.');
  const asStated = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes('as the user said?') && Boolean(message.reply_markup));
  await admin.tap(asStated, /^✅ Yes, /, { chatId: ADMIN_CHAT_ID });
  return (await desk.tg.waitForMessage(ADMIN_CHAT_ID, /credited to the user|Approved: \d of 2/)).text ?? '';
}

const idOf = (card: ChatMessage) => Number(card.text?.match(/#(\d+)/)?.[1]);

describe('four eyes on crypto', () => {
  it('needs two admins for a crypto deposit worth the threshold at the sell rate, valued when it is approved', async () => {
    const ama = await desk.newUser('Ama');
    const { reference, card } = await depositByHash(ama, '25', '7a'.repeat(32));
    expect(card.text).toContain('0 of 2: two different admins must approve before the money moves');
    expect(await approveAsStated(desk.admins.kwabena, card)).toBe('Approved: 1 of 2. Another admin must approve it too before the money moves.');
    const half = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Kwabena Admin');
    expect(await balances(desk.db, ama)).toMatchObject({ balance_crypto: '0.00000000' });
    expect(await approveAsStated(desk.admins.esi, half)).toBe('✅ Crypto deposit #' + String(idOf(card)) + ': 25.00000000 USDT credited to the user.');
    await desk.tg.waitForMessage(ama.id, `Your deposit ${reference} is in your wallet: 25.00000000 USDT.`);
    expect(await balances(desk.db, ama)).toMatchObject({ balance_crypto: '25.00000000' });

    // GHS 155.10 at the buy rate when Yaw reported it; the price rose before the approval: GHS 392.00 at the sell rate now.
    const yaw = await desk.newUser('Yaw');
    const small = await depositByHash(yaw, '10', '7b'.repeat(32));
    expect(small.card.text).not.toContain('of 2');
    await setPrice(desk.bot, '40', KWABENA.id);
    expect(await approveAsStated(desk.admins.kwabena, small.card)).toBe('Approved: 1 of 2. Another admin must approve it too before the money moves.');
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '0.00000000' });
    expect(await desk.db.query("SELECT action, admin_name FROM admin_audit_log WHERE subject_kind = 'crypto_deposit' AND subject_id = $1 ORDER BY id", [idOf(small.card)])).toEqual([
      { action: 'sign_off', admin_name: 'Kwabena Admin' },
    ]);
  });

  it('needs two admins for crypto when no price values it, and says so on the card', async () => {
    const kofi = await desk.newUser('Kofi');
    const { reference, card } = await depositByHash(kofi, '5', '7c'.repeat(32));
    // GHS 74.45: one admin would do while there is a price.
    expect(card.text).not.toContain('of 2');
    await desk.db.query('DELETE FROM rates');
    await desk.bot.services.approvals.refreshCard('crypto_deposit', idOf(card));
    desk.bot.cards.kick();
    const unpriced = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '0 of 2');
    expect(unpriced.text).toContain('No current price to value it against the threshold: two admins, to be safe.');
    expect(await approveAsStated(desk.admins.kwabena, unpriced)).toBe('Approved: 1 of 2. Another admin must approve it too before the money moves.');
    expect(await balances(desk.db, kofi)).toMatchObject({ balance_crypto: '0.00000000' });
    const half = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Kwabena Admin');
    await approveAsStated(desk.admins.esi, half);
    await desk.tg.waitForMessage(kofi.id, `Your deposit ${reference} is in your wallet: 5.00000000 USDT.`);
    expect(await balances(desk.db, kofi)).toMatchObject({ balance_crypto: '5.00000000' });
  });

  it('needs both approvals of a crypto withdrawal before its claim while the price is stale, one when it is fresh and below', async () => {
    const abena = await desk.newUser('Abena');
    const [row] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [abena.id]);
    const userId = Number(row?.id);
    const { approvals, wallet } = desk.bot.services;
    await desk.db.query('UPDATE settings SET second_approval_above_ghs = 0');
    const deposit = await wallet.crypto.createDeposit({ userId, network: 'tron', amount: '40', txHash: '7d'.repeat(32), reference: 'CDP-FOUR0001' });
    expect(deposit.status).toBe('created');
    const depositId = deposit.status === 'created' ? deposit.id : 0;
    expect((await approvals.decide({ kind: 'crypto_deposit', id: depositId, action: 'approve', from: KWABENA, confirmation: { amount: '40', batch: false } })).outcome).toBe('applied');
    await desk.db.query('UPDATE settings SET second_approval_above_ghs = 300');

    const request = { userId, network: 'tron', address: DESK_TRON_ADDRESS, memo: null, fee: '1.00000000', label: null } as const;
    // 10 USDT: GHS 148.90 at the sell rate, under the threshold: one admin claims and pays it.
    const small = await wallet.crypto.createWithdrawal({ ...request, amount: '10', reference: 'CWD-FOUR0001' });
    const smallId = small.status === 'created' ? small.id : 0;
    expect((await approvals.card('crypto_withdrawal', smallId))?.approvals).toBeUndefined();
    expect((await approvals.claim({ kind: 'crypto_withdrawal', id: smallId, from: ESI })).outcome).toBe('applied');

    // A live source whose last price is over 15 minutes old: stale, so 10 USDT need two admins before anyone claims it.
    const stale = await wallet.crypto.createWithdrawal({ ...request, amount: '10', reference: 'CWD-FOUR0002' });
    const staleId = stale.status === 'created' ? stale.id : 0;
    await desk.db.query("UPDATE settings SET live_rate_source = 'coingecko'");
    desk.clock.advance(16 * 60_000);
    expect((await approvals.card('crypto_withdrawal', staleId))?.approvals).toEqual({ required: 2, by: [], unpriced: true });
    expect((await approvals.claim({ kind: 'crypto_withdrawal', id: staleId, from: ESI })).outcome).toBe('needs_approvals');
    expect((await approvals.decide({ kind: 'crypto_withdrawal', id: staleId, action: 'approve', from: ESI })).outcome).toBe('approval_recorded');
    expect((await approvals.decide({ kind: 'crypto_withdrawal', id: staleId, action: 'approve', from: KWABENA })).outcome).toBe('approval_recorded');
    expect((await approvals.claim({ kind: 'crypto_withdrawal', id: staleId, from: ESI })).outcome).toBe('applied');

    // The card shows what it was worth when asked, and no worth at all when there was no price then.
    const card = await approvals.card('crypto_withdrawal', smallId);
    const reserved = (details: unknown) =>
      cryptoWithdrawalCardView.fields({ ...card, details } as Parameters<typeof cryptoWithdrawalCardView.fields>[0]).find(([label]) => label === 'Reserved from the wallet')?.[1];
    expect(reserved(card?.details)).toBe('11.00000000 USDT (worth GHS 148.90 when asked)');
    expect(reserved({ ...(card?.details as object), value_ghs: '0.00' })).toBe('11.00000000 USDT (no price when asked)');
  });
});

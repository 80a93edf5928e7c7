import { sha256 } from '@noble/hashes/sha2.js';
import { base64url, createBase58check, hex } from '@scure/base';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc16xmodem } from '../src/services/wallet/cryptoNetworks.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, cryptoDepositInChat, openOrders, referenceIn } from './support/flows.ts';
import { invariantViolations } from './support/money.ts';

/** Why a check refused, or null when it accepted. */
function reasonOf(checked: { ok: true } | { ok: false; reason: string }): string | null {
  return checked.ok ? null : checked.reason;
}

const ADMIN_ID = 980001;
const DESK_TRON_ADDRESS = createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode('3c'.repeat(20))]));
/** The desk's TON address, user-friendly and bounceable, made with base64url and its CRC. */
const DESK_TON_ADDRESS = (() => {
  const body = Uint8Array.from([0x11, 0x00, ...hex.decode('4d'.repeat(32))]);
  const crc = crc16xmodem(body);
  return base64url.encode(Uint8Array.from([...body, crc >> 8, crc & 0xff]));
})();
const HASH = '9f'.repeat(32);

const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' } },
  firstUserId: 9800,
  startFrom: ['DELETE FROM crypto_networks', 'UPDATE settings SET second_approval_above_ghs = 0'],
  updatesPer10s: 300,
  price: '15.20',
});
beforeEach(async () => {
  const from = { id: ADMIN_ID, first_name: 'Kwabena' };
  for (const [network, address] of [['tron', DESK_TRON_ADDRESS], ['ton', DESK_TON_ADDRESS]] as const) {
    for (const [field, value] of [['deposit_address', address], ['withdrawal_fee', '1'], ['min_withdrawal', '5']] as const) {
      expect((await desk.bot.services.wallet.networks.update(network, field, value, from)).ok).toBe(true);
    }
    expect((await desk.bot.services.wallet.networks.setEnabled(network, true, from)).ok).toBe(true);
  }
});
afterEach(async () => {
  expect(await invariantViolations(desk.db)).toEqual([]);
});
const newUser = (name: string) => desk.newUser(name);

async function userId(user: TestUser): Promise<number> {
  const [row] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [user.id]);
  return Number(row?.id);
}

// jsqr is CommonJS whose module.exports is the function; its types describe an ES default export.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/** What a QR code image says, read from its pixels. */
async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
}

/** /deposit → USDT from a wallet → the network; the QR photo and the address message. */
async function openDeposit(user: TestUser, network: string): Promise<{ qr: ChatMessage; address: ChatMessage }> {
  await user.send('/deposit');
  await user.tap(await desk.tg.waitForMessage(user.id, 'How will you send the cedis?'), '🪙 USDT from a wallet');
  await user.tap(await desk.tg.waitForMessage(user.id, 'On which network will you send USDT?'), network);
  const qr = await desk.tg.waitForMessage(user.id, (message) => message.photo !== undefined);
  const address = await desk.tg.waitForMessage(user.id, 'Send only USDT on');
  return { qr, address };
}

/** The whole deposit by chat: network, amount, hash. Returns the bot's last answer. */
const depositByHash = (user: TestUser, amount: string, hash: string) => cryptoDepositInChat(desk.tg, user, 'TRON (TRC-20)', amount, hash);

/** Approve on the card: the batch question when `batch`, then the amount as stated (`stated`) or typed. */
async function approve(card: ChatMessage, amount: string, options: { batch?: boolean; stated?: boolean } = {}): Promise<void> {
  const answer = await desk.admins.admin.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
  expect(answer.text).toBe('Type the amount that arrived in the chat.');
  if (options.batch !== undefined) {
    const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'was credited already');
    await desk.admins.admin.tap(question, options.batch ? '🧺 Yes, a batch' : '❌ No, leave it', { chatId: ADMIN_CHAT_ID });
    if (!options.batch) return;
  }
  const asStated = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes('as the user said?') && Boolean(message.reply_markup));
  if (options.stated) {
    await desk.admins.admin.tap(asStated, /^✅ Yes, /, { chatId: ADMIN_CHAT_ID });
    return;
  }
  await desk.admins.admin.tap(asStated, '✏️ Another amount', { chatId: ADMIN_CHAT_ID });
  const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes('arrived for Crypto deposit') && Boolean(message.reply_markup));
  expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
  await desk.admins.admin.send(amount, { chatId: ADMIN_CHAT_ID, replyTo: question });
}

describe('deposits from a wallet', () => {
  it('shows the desk address as code and as a QR code that decodes to it, with the warning, and the TON memo', async () => {
    const kofi = await newUser('Kofi');
    const tron = await openDeposit(kofi, 'TRON (TRC-20)');
    expect(await decodeQr(desk.tg.mediaBytes(tron.qr))).toBe(DESK_TRON_ADDRESS);
    expect(tron.address.text).toContain(DESK_TRON_ADDRESS);
    expect(tron.address.text).toContain('Send only USDT, only on TRON (TRC-20). Another coin, or USDT on another network, cannot be credited and is lost.');
    expect(tron.address.entities?.some((entity) => entity.type === 'code')).toBe(true);
    await kofi.send('/cancel');
    await desk.tg.waitForMessage(kofi.id, /Cancelled|cancel/i);

    const ton = await openDeposit(kofi, 'TON');
    expect(await decodeQr(desk.tg.mediaBytes(ton.qr))).toBe(DESK_TON_ADDRESS);
    expect(ton.address.text).toContain(`Memo (comment): ${await userId(kofi)}`);
    // The card shows the memo the coins should have come with.
    await desk.tg.waitForMessage(kofi.id, 'type how much USDT you sent');
    await kofi.send('20');
    await desk.tg.waitForMessage(kofi.id, 'paste the transaction hash');
    await kofi.send('7c'.repeat(32));
    const card = await cardFor(desk.tg, referenceIn(await desk.tg.waitForMessage(kofi.id, 'Your deposit CDP-'), 'CDP'));
    expect(card.text).toContain(`To the desk address: ${DESK_TON_ADDRESS}\nWith the memo: ${await userId(kofi)}\n`);
  });

  it('credits a transaction once when one user sends its hash twice and another user sends it too, unless a batch is confirmed', async () => {
    const ama = await newUser('Ama');
    const yaw = await newUser('Yaw');
    const first = await depositByHash(ama, '25', HASH.toUpperCase());
    const reference = referenceIn(first, 'CDP');
    expect(first.text).toContain(`Your deposit ${reference} of 25.00000000 USDT is waiting for our team`);
    const again = await depositByHash(ama, '25', HASH);
    expect(again.text).toContain(`You reported this transaction already: it is your deposit ${reference}.`);
    const byYaw = await depositByHash(yaw, '25', HASH);
    const yawReference = referenceIn(byYaw, 'CDP');
    expect(await desk.db.query('SELECT count(*) FROM crypto_deposits WHERE tx_hash = $1', [HASH])).toEqual([{ count: '2' }]);
    const card = await cardFor(desk.tg, reference);
    const yawCard = await cardFor(desk.tg, yawReference);
    expect(yawCard.text).toContain(`also reported by ${reference} (waiting): credit it again only for a batch`);

    // Ama's: the explorer link on the card; 24.5 arrived (a fee was taken on the way).
    expect(card.text).toContain(`Explorer: https://tronscan.org/#/transaction/${HASH}`);
    // Never more than she stated: the approvals a deposit needs are counted from that amount.
    const amaId = Number(card.text?.match(/#(\d+)/)?.[1]);
    const tooMuch = await desk.bot.services.approvals.decide({ kind: 'crypto_deposit', id: amaId, action: 'approve', from: { id: ADMIN_ID, first_name: 'Kwabena' }, confirmation: { amount: '2500', batch: false } });
    expect(tooMuch.outcome).toBe('check_failed');
    await approve(card, '2500');
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'That is more than the user stated (25.00000000 USDT): credit at most that.');
    const askedAgain = desk.tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes('arrived for Crypto deposit') && message.reply_markup).at(-1);
    await desk.admins.admin.send('24.5', { chatId: ADMIN_CHAT_ID, ...(askedAgain ? { replyTo: askedAgain } : {}) });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `24.50000000 USDT credited to the user.`);
    await desk.tg.waitForMessage(ama.id, `Your deposit ${reference} is in your wallet: 24.50000000 USDT (you said 25.00000000 USDT; this is what arrived).`);
    expect(await balances(desk.db, ama)).toMatchObject({ balance_crypto: '24.50000000', escrow_crypto: '0.00000000' });
    // /orders and /history show it, with what was credited and the explorer link.
    const orders = await openOrders(desk.tg, ama, '🪙 Crypto in and out', 'Crypto in and out');
    expect(orders.text).toContain(`⬇️ Received 24.50000000 USDT on TRON (TRC-20)\n${reference} · ✅ in your wallet`);
    expect(orders.text).toContain(`https://tronscan.org/#/transaction/${HASH}`);
    await ama.send('/history');
    expect((await desk.tg.waitForMessage(ama.id, (message) => (message.text ?? '').includes(reference) && message.message_id > orders.message_id)).text).toContain(
      `🪙 Crypto deposit ${reference}\n24.50000000 USDT · ✅ done`,
    );
    // It enters Ama's position at the desk's buy rate then, as a buy of 24.5 would cost: 24.5 × 15.51 rounded up to pesewas.
    const [metrics] = await desk.db.query('SELECT m.market_position, m.market_cost_ghs FROM user_metrics m WHERE m.user_id = $1', [await userId(ama)]);
    expect(metrics).toEqual({ market_position: '24.50000000', market_cost_ghs: '380.00000000' });

    // Yaw's copy of the same hash: not credited unless the admin confirms a batch.
    await approve(yawCard, '25', { batch: false });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Nothing was credited.`);
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '0.00000000' });
    const refused = await desk.bot.services.approvals.decide({ kind: 'crypto_deposit', id: Number(yawCard.text?.match(/#(\d+)/)?.[1]), action: 'approve', from: { id: ADMIN_ID, first_name: 'Kwabena' }, confirmation: { amount: '25', batch: false } });
    expect(refused.outcome).toBe('check_failed');
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '0.00000000' });

    await approve(yawCard, '10', { batch: true });
    await desk.tg.waitForMessage(yaw.id, `Your deposit ${yawReference} is in your wallet: 10.00000000 USDT`);
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '10.00000000' });
    expect(await desk.db.query('SELECT reference, status, credited_amount, batch_confirmed FROM crypto_deposits WHERE tx_hash = $1 ORDER BY id', [HASH])).toEqual([
      { reference, status: 'approved', credited_amount: '24.50000000', batch_confirmed: false },
      { reference: yawReference, status: 'approved', credited_amount: '10.00000000', batch_confirmed: true },
    ]);
    const entries = await desk.db.query("SELECT amount FROM ledger_entries WHERE reference_kind = 'crypto_deposit' ORDER BY id");
    expect(entries).toEqual([{ amount: '24.50000000' }, { amount: '10.00000000' }]);
    // /stats counts them at what they cost at the buy rate when credited (GHS 380.00 and 155.10).
    desk.clock.advance(60_000);
    await desk.admins.admin.send('/stats', { chatId: ADMIN_CHAT_ID });
    const stats = (await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Desk statistics')).text ?? '';
    expect(stats).toContain('Today: 2 · GHS 535.10\n');
    expect(stats).toContain('  Crypto received: 2 · GHS 535.10\n');
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => Boolean(message.photo));
    // The nightly check of user_metrics recomputes the same positions from the ledger.
    expect((await desk.bot.services.analytics.metrics.reconcile()).corrected).toEqual([]);
  });

  it('stores one deposit when a user reports a hash many times at once, and credits one of two users’ deposits of a hash approved at once', async () => {
    const [kwame, abena] = [await newUser('Kwame'), await newUser('Abena')];
    const [kwameId, abenaId] = [await userId(kwame), await userId(abena)];
    const hash = '5a'.repeat(32);
    const report = (id: number, index: number) =>
      desk.bot.services.wallet.crypto.createDeposit({ userId: id, network: 'tron', amount: '20', txHash: hash, reference: `CDP-RACE${String(index).padStart(4, '0')}` });
    const reports = await Promise.all(Array.from({ length: 8 }, (_, index) => report(kwameId, index)));
    expect(reports.filter((result) => result.status === 'created')).toHaveLength(1);
    expect(reports.filter((result) => result.status === 'reported_before')).toHaveLength(7);
    // Amounts keep the asset's 8 decimals, never rounded silently.
    const tooFine = { userId: abenaId, network: 'tron', txHash: '6c'.repeat(32), reference: 'CDP-FINE0001' } as const;
    expect((await desk.bot.services.wallet.crypto.createDeposit({ ...tooFine, amount: '1.123456789' })).status).toBe('invalid');
    const withdrawal = { userId: abenaId, network: 'tron', address: DESK_TRON_ADDRESS, memo: null, fee: '1.00000000', reference: 'CWD-FINE0001', label: null } as const;
    expect((await desk.bot.services.wallet.crypto.createWithdrawal({ ...withdrawal, amount: '5.000000001' })).status).toBe('invalid');
    const other = await report(abenaId, 99);
    expect(other.status).toBe('created');
    const ids = (await desk.db.query<{ id: string }>('SELECT id FROM crypto_deposits WHERE tx_hash = $1 ORDER BY id', [hash])).map((row) => Number(row.id));
    expect(ids).toHaveLength(2);
    const from = { id: ADMIN_ID, first_name: 'Kwabena' };
    const decisions = await Promise.all(
      ids.flatMap((id) => [1, 2, 3].map(() => desk.bot.services.approvals.decide({ kind: 'crypto_deposit', id, action: 'approve', from, confirmation: { amount: '20', batch: false } }))),
    );
    expect(decisions.filter((decision) => decision.outcome === 'applied')).toHaveLength(1);
    const credited = await desk.db.query('SELECT count(*) FROM ledger_entries WHERE reference_kind = $1 AND reference_id = ANY($2::bigint[])', ['crypto_deposit', ids]);
    expect(credited).toEqual([{ count: '1' }]);
  });

  it('refuses a hash in the wrong form, one of the desk’s payouts as a deposit, and a deposit hash as a withdrawal payout', async () => {
    const efua = await newUser('Efua');
    const efuaHash = '3e'.repeat(32);
    // A payout the desk sent her on TRON (fee 0: the crypto fee account is not the point here).
    const payoutHash = '5a'.repeat(32);
    await desk.db.query(
      `INSERT INTO crypto_withdrawals (user_id, asset, network, address, amount, fee, value_ghs, reference, status, tx_hash, decided_at)
       SELECT id, 'USDT', 'tron', $2, 10, 0, 150, 'CWD-TESTPAID', 'approved', $3, now() FROM users WHERE telegram_id = $1`,
      [efua.id, DESK_TRON_ADDRESS, payoutHash],
    );
    // And one on TON, whose hashes look like TRON's: a transaction is on one network only.
    const tonPayoutHash = '6b'.repeat(32);
    await desk.db.query(
      `INSERT INTO crypto_withdrawals (user_id, asset, network, address, amount, fee, value_ghs, reference, status, tx_hash, decided_at)
       SELECT id, 'USDT', 'ton', $2, 10, 0, 150, 'CWD-TESTPAIDTON', 'approved', $3, now() FROM users WHERE telegram_id = $1`,
      [efua.id, DESK_TON_ADDRESS, tonPayoutHash],
    );
    await openDeposit(efua, 'TRON (TRC-20)');
    await desk.tg.waitForMessage(efua.id, 'type how much USDT you sent');
    await efua.send('12');
    await desk.tg.waitForMessage(efua.id, 'paste the transaction hash');
    await efua.send(`0x${efuaHash}`);
    await desk.tg.waitForMessage(efua.id, 'That is not a TRON (TRC-20) transaction hash');
    await efua.send(payoutHash);
    await desk.tg.waitForMessage(efua.id, 'That transaction is a payout the desk sent you, not a deposit to the desk.');
    desk.tg.markRead(efua.id);
    await efua.send(tonPayoutHash);
    await desk.tg.waitForMessage(efua.id, 'That transaction is a payout the desk sent you, not a deposit to the desk.');
    await efua.send(efuaHash);
    const reference = referenceIn(await desk.tg.waitForMessage(efua.id, 'is waiting for our team to see it on the network'), 'CDP');
    const card = await cardFor(desk.tg, reference);
    // It waits in the admins' queue like every request.
    await desk.admins.admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes('12.00000000 USDT on TRON (TRC-20)') && (message.text ?? '').includes('Crypto deposit #'));
    // What the user stated arrived: one tap credits it.
    await approve(card, '12', { stated: true });
    await desk.tg.waitForMessage(efua.id, `Your deposit ${reference} is in your wallet: 12.00000000 USDT.`);
    expect(await balances(desk.db, efua)).toMatchObject({ balance_crypto: '12.00000000' });
    const { checkPaidHash } = await import('../src/services/wallet/cryptoWallet.ts');
    expect(reasonOf(await checkPaidHash(desk.db.pool, 'tron', efuaHash))).toContain('as a deposit a user sent to the desk');
    // The stand-in payout has no ledger rows of its own (the money checks after the test would count it).
    await desk.db.query("DELETE FROM crypto_withdrawals WHERE reference IN ('CWD-TESTPAID', 'CWD-TESTPAIDTON')");
  });
});

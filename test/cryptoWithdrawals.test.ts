import { sha256 } from '@noble/hashes/sha2.js';
import { base64url, createBase58check, hex } from '@scure/base';
import { crc16xmodem } from '../src/services/wallet/cryptoNetworks.ts';
import { describe, expect, it } from 'vitest';
import { checkPaidHash } from '../src/services/wallet/cryptoWallet.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, openOrders, pendingBuyInChat, referenceIn, setPrice } from './support/flows.ts';
import { invariantViolations } from './support/money.ts';
import { TEST_PIN } from './support/users.ts';

/** Why a check refused, or null when it accepted. */
function reasonOf(checked: { ok: true } | { ok: false; reason: string }): string | null {
  return checked.ok ? null : checked.reason;
}

const ADMIN_ID = 970001;
const ESI_ID = 970002;
const EVM_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
/** BIP-350's taproot test vector. */
const BITCOIN_ADDRESS = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0';
/** A TRON address made as wallets make it: base58check of 0x41 and 20 bytes. */
const TRON_ADDRESS = createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode('a614f803b6fd780986a42c78ec9c7f77e6ded13c')]));
/** The desk's own TRON deposit address. */
const DESK_TRON_ADDRESS = createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode('1e'.repeat(20))]));
/** Another address of the user's. */
const OLD_TRON_ADDRESS = createBase58check(sha256).encode(Uint8Array.from([0x41, ...hex.decode('2f'.repeat(20))]));
/** An exchange's TON deposit address (user-friendly, bounceable), made with base64url and its CRC. */
const EXCHANGE_TON_ADDRESS = (() => {
  const body = Uint8Array.from([0x11, 0x00, ...hex.decode('6b'.repeat(32))]);
  const crc = crc16xmodem(body);
  return base64url.encode(Uint8Array.from([...body, crc >> 8, crc & 0xff]));
})();
const HASH_A = 'c1'.repeat(32);
const HASH_B = '7e'.repeat(32);
const HASH_C = 'd4'.repeat(32);
const HASH_D = '0b'.repeat(32);
const MINUTE = 60_000;

const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' }, esi: { id: ESI_ID, first_name: 'Esi', last_name: 'Boateng' } },
  firstUserId: 9700,
  startFrom: ['DELETE FROM crypto_networks', 'UPDATE settings SET min_amount_ghs = 50, max_amount_ghs = 50000, second_approval_above_ghs = 0'],
  updatesPer10s: 300,
});
const newUser = (name: string) => desk.newUser(name);

/** A network on, with the desk's address, the fee and a smallest withdrawal of 5 USDT, set through the service. */
async function openNetwork(network: 'tron' | 'ton', address: string, fee: string): Promise<void> {
  const { networks } = desk.bot.services.wallet;
  const from = { id: ADMIN_ID, first_name: 'Kwabena' };
  for (const [field, value] of [['deposit_address', address], ['withdrawal_fee', fee], ['min_withdrawal', '5']] as const) {
    expect((await networks.update(network, field, value, from)).ok).toBe(true);
  }
  expect((await networks.setEnabled(network, true, from)).ok).toBe(true);
}

/** TRON on, with the desk's address, a fee of 1 USDT and a smallest withdrawal of 5 USDT. */
const openTron = () => openNetwork('tron', DESK_TRON_ADDRESS, '1');

/** Buys GHS 500 of USDT at the price 15.20 (32.23726627 USDT), approved by the admin. */
async function buyUsdt(user: TestUser): Promise<void> {
  await desk.admins.admin.tap(await cardFor(desk.tg, await pendingBuyInChat(desk.tg, user, 'GHS 500')), '✅ Approve', { chatId: ADMIN_CHAT_ID });
  await desk.tg.waitForMessage(user.id, '32.23726627 USDT is now in your wallet');
}

/** /withdraw → USDT to a wallet → TRON, up to the address question. */
async function startTronWithdrawal(user: TestUser): Promise<ChatMessage> {
  await user.send('/withdraw');
  await user.tap(await desk.tg.waitForMessage(user.id, 'Where should the money go?'), '🪙 USDT to a wallet');
  await user.tap(await desk.tg.waitForMessage(user.id, 'On which network should it go?'), 'TRON (TRC-20)');
  return desk.tg.waitForMessage(user.id, 'Paste the TRON (TRC-20) address');
}

/** Claims the card and taps Paid as `payer`; returns the forced question asking for the hash. */
async function claimAndAskHash(payer: TestUser, card: ChatMessage, id: number): Promise<ChatMessage> {
  await payer.tapAndAwaitAnswer(card, "💸 I'm paying this", { chatId: ADMIN_CHAT_ID });
  const claimed = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, `${payer.first_name} ${payer.last_name ?? ''} is paying this out`);
  const before = Math.max(0, ...desk.tg.messages(ADMIN_CHAT_ID).map((message) => message.message_id));
  await payer.tap(claimed, '✅ Paid', { chatId: ADMIN_CHAT_ID });
  const question = await desk.tg.waitForMessage(
    ADMIN_CHAT_ID,
    (message) => message.message_id > before && (message.text ?? '').includes(`Type the transaction hash of your payout of Crypto withdrawal #${id}.`),
  );
  expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
  return question;
}

async function withdrawalRow(reference: string) {
  const [row] = await desk.db.query<{ id: string; status: string; amount: string; fee: string; address: string; tx_hash: string | null }>(
    'SELECT id, status, amount, fee, address, tx_hash FROM crypto_withdrawals WHERE reference = $1',
    [reference],
  );
  if (!row) throw new Error(`no crypto withdrawal ${reference}`);
  return row;
}

describe('crypto networks in /settings', () => {
  it('has none on at first, says so to users, and turns one on only with its address, fee and minimum, the address checked', async () => {
    const kofi = await newUser('Kofi');
    await kofi.send('/withdraw');
    await desk.tg.waitForMessage(kofi.id, 'Sending USDT to your own wallet is not open yet.');
    await kofi.send('/deposit');
    const methods = await desk.tg.waitForMessage(kofi.id, 'How will you send the cedis? Receiving USDT from your own wallet is not open yet.');
    expect(JSON.stringify(methods.reply_markup)).not.toContain('from a wallet');
    await kofi.tap(methods, '❌ Cancel');
    await desk.tg.waitForMessage(kofi.id, 'Cancelled; nothing was saved.');

    await desk.admins.admin.send('/settings', { chatId: ADMIN_CHAT_ID });
    const settings = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    await desk.admins.admin.tap(settings, '🔗 Crypto networks', { chatId: ADMIN_CHAT_ID });
    const list = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Crypto networks for USDT');
    expect(list.text).toContain('No network is on');
    for (const name of ['TRON (TRC-20)', 'BNB Smart Chain (BEP-20)', 'Ethereum (ERC-20)', 'TON']) expect(list.text).toContain(name);
    await desk.admins.admin.tap(list, 'TRON (TRC-20)', { chatId: ADMIN_CHAT_ID });
    const screen = await desk.tg.waitForEdit(ADMIN_CHAT_ID, list.message_id, 'Users see a network only while it is on');
    const refused = await desk.admins.admin.tapAndAwaitAnswer(screen, '✅ Turn on', { chatId: ADMIN_CHAT_ID });
    expect(refused.show_alert).toBe(true);
    expect(refused.text).toContain('Set the deposit address, the withdrawal fee, the minimum withdrawal of TRON (TRC-20) first');

    await desk.admins.admin.tap(screen, '✏️ Deposit address', { chatId: ADMIN_CHAT_ID });
    const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, "Paste the desk's TRON (TRC-20) deposit address");
    await desk.admins.admin.send(EVM_ADDRESS, { chatId: ADMIN_CHAT_ID, replyTo: question });
    // Admins may set any of the asset's networks, on or off; Bitcoin never carries USDT.
    const again = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'This looks like a BNB Smart Chain or Ethereum address; choose that network, or give a TRON (TRC-20) address, which starts with T.');
    await desk.admins.admin.send(BITCOIN_ADDRESS, { chatId: ADMIN_CHAT_ID, replyTo: again });
    const notBitcoin = await desk.tg.waitForMessage(
      ADMIN_CHAT_ID,
      'This looks like a Bitcoin address: this desk does not send or receive USDT on Bitcoin. Please give a TRON (TRC-20) address, which starts with T.',
    );
    await desk.admins.admin.send(TRON_ADDRESS, { chatId: ADMIN_CHAT_ID, replyTo: notBitcoin });
    await desk.admins.admin.tap(await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Change TRON (TRC-20) deposit address?'), '✅ Confirm', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Saved. TRON (TRC-20) deposit address is now: ${TRON_ADDRESS}`);

    const from = { id: ADMIN_ID, first_name: 'Kwabena' };
    expect(await desk.bot.services.wallet.networks.update('tron', 'withdrawal_fee', '-1', from)).toMatchObject({ ok: false });
    expect((await desk.bot.services.wallet.networks.update('tron', 'withdrawal_fee', '1.5 USDT', from)).ok).toBe(true);
    expect((await desk.bot.services.wallet.networks.update('tron', 'min_withdrawal', '10', from)).ok).toBe(true);
    expect((await desk.bot.services.wallet.networks.setEnabled('tron', true, from)).ok).toBe(true);
    expect(await desk.db.query('SELECT network, enabled, deposit_address, withdrawal_fee, min_withdrawal FROM crypto_networks')).toEqual([
      { network: 'tron', enabled: true, deposit_address: TRON_ADDRESS, withdrawal_fee: '1.50000000', min_withdrawal: '10.00000000' },
    ]);
    const audited = await desk.db.query<{ count: string }>("SELECT count(*) FROM admin_audit_log WHERE subject_kind = 'crypto_network'");
    expect(audited).toEqual([{ count: '4' }]);
  });
});

describe('withdrawing crypto to a wallet', () => {
  it('reserves amount and fee, is paid with a checked hash, gives the user the explorer link, and keeps the ledger exact', async () => {
    await openTron();
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const ama = await newUser('Ama');
    await buyUsdt(ama);

    const addressQuestion = await startTronWithdrawal(ama);
    expect(addressQuestion.text).toContain('must accept USDT on TRON (TRC-20)');
    await ama.send(EVM_ADDRESS);
    // Only TRON is on: the networks the address belongs to are not offered to choose.
    await desk.tg.waitForMessage(
      ama.id,
      'This looks like a BNB Smart Chain or Ethereum address: this desk does not send or receive USDT on BNB Smart Chain or Ethereum. Please give a TRON (TRC-20) address, which starts with T.',
    );
    await ama.send(`${TRON_ADDRESS.slice(0, 20)}x${TRON_ADDRESS.slice(21)}`);
    await desk.tg.waitForMessage(ama.id, 'That is not a valid TRON (TRC-20) address');
    await ama.send(TRON_ADDRESS);
    const amountQuestion = await desk.tg.waitForMessage(ama.id, 'How much USDT should arrive?');
    expect(amountQuestion.text).toContain('Fee: 1.00000000 USDT · smallest: 5.00000000 USDT · you have 32.23726627 USDT');
    await ama.send('40');
    await desk.tg.waitForMessage(ama.id, 'you can send at most 31.23726627 USDT');
    await ama.send('2');
    await desk.tg.waitForMessage(ama.id, 'The smallest withdrawal is 5.00000000 USDT');
    await ama.tap(amountQuestion, 'All (less the fee)');
    await ama.send('My Binance');
    const summary = await desk.tg.waitForMessage(ama.id, 'Send 31.23726627 USDT on TRON (TRC-20)');
    expect(summary.text).toContain(`To: ${TRON_ADDRESS}`);
    expect(summary.text).toContain('Leaves your wallet: 32.23726627 USDT');
    expect(summary.text).toContain('Arrives: 31.23726627 USDT');
    expect(summary.entities?.some((entity) => entity.type === 'code')).toBe(true);
    const reference = referenceIn(summary, 'CWD');
    await ama.tap(summary, '✅ Confirm');
    await desk.tg.waitForMessage(ama.id, 'Type your transaction PIN');
    await ama.send(TEST_PIN);
    await desk.tg.waitForMessage(ama.id, `32.23726627 USDT is reserved for your withdrawal ${reference}`);
    expect(await balances(desk.db, ama)).toMatchObject({ balance_crypto: '0.00000000', escrow_crypto: '32.23726627' });
    expect(await invariantViolations(desk.db)).toEqual([]);

    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('Network: TRON (TRC-20)');
    expect(card.text).toContain(`Send to: ${TRON_ADDRESS}`);
    expect(card.text).toContain(`Address on the explorer: https://tronscan.org/#/address/${TRON_ADDRESS}`);
    expect(card.text).toContain('Amount to send: 31.23726627 USDT');
    expect(card.text).toContain('Fee (kept by the desk): 1.00000000 USDT');
    expect(card.text).toContain('Recent withdrawals: none before this one');
    expect(card.entities?.filter((entity) => entity.type === 'code').length).toBeGreaterThanOrEqual(2);
    const { id } = await withdrawalRow(reference);

    const question = await claimAndAskHash(desk.admins.admin, card, Number(id));
    await desk.admins.admin.send(`0x${HASH_A}`, { chatId: ADMIN_CHAT_ID, replyTo: question });
    const retry = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'That is not a TRON (TRC-20) transaction hash');
    await desk.admins.admin.send(HASH_A.toUpperCase(), { chatId: ADMIN_CHAT_ID, replyTo: retry });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Crypto withdrawal #${id} is marked paid. The user was sent the transaction hash ${HASH_A}.`);

    const sent = await desk.tg.waitForMessage(ama.id, `Your withdrawal ${reference} of 31.23726627 USDT was sent on TRON (TRC-20) to ${TRON_ADDRESS}`);
    expect(sent.text).toContain(`Transaction hash: ${HASH_A}`);
    expect(sent.text).toContain(`https://tronscan.org/#/transaction/${HASH_A}`);
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, `Transaction: https://tronscan.org/#/transaction/${HASH_A}`);

    expect(await withdrawalRow(reference)).toMatchObject({ status: 'approved', amount: '31.23726627', fee: '1.00000000', tx_hash: HASH_A });
    expect(await balances(desk.db, ama)).toMatchObject({ balance_crypto: '0.00000000', escrow_crypto: '0.00000000' });
    const ledger = await desk.db.query("SELECT account, amount, reason FROM ledger_entries WHERE reference_kind = 'crypto_withdrawal' AND reference_id = $1 ORDER BY id", [id]);
    expect(ledger).toEqual([
      { account: 'crypto_available', amount: '-32.23726627', reason: 'crypto_withdrawal_reserved' },
      { account: 'crypto_reserved', amount: '32.23726627', reason: 'crypto_withdrawal_reserved' },
      { account: 'crypto_reserved', amount: '-32.23726627', reason: 'crypto_withdrawal_sent' },
    ]);
    expect(await desk.db.query("SELECT account, amount, reason FROM platform_ledger_entries WHERE reference_kind = 'crypto_withdrawal' AND reference_id = $1", [id])).toEqual([
      { account: 'fees_crypto', amount: '1.00000000', reason: 'crypto_withdrawal_fee' },
    ]);
    // It leaves at its average cost and realises nothing.
    const [metrics] = await desk.db.query<Record<string, string>>(
      'SELECT m.market_position, m.market_cost_ghs, m.total_profit FROM user_metrics m JOIN users u ON u.id = m.user_id WHERE u.telegram_id = $1',
      [ama.id],
    );
    expect(metrics).toEqual({ market_position: '0.00000000', market_cost_ghs: '0.00000000', total_profit: '0.00000000' });
    expect(await desk.db.query("SELECT label, address FROM crypto_addresses WHERE network = 'tron'")).toEqual([{ label: 'My Binance', address: TRON_ADDRESS }]);
    expect((await desk.bot.services.analytics.metrics.reconcile()).corrected).toEqual([]);

    // /stats counts it at its value at the sell rate when asked: 31.23726627 × 14.89 (15.20 less 2%), rounded down.
    desk.clock.advance(60_000);
    await desk.admins.admin.send('/stats', { chatId: ADMIN_CHAT_ID });
    const stats = (await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Desk statistics')).text ?? '';
    expect(stats).toContain('Today: 2 · GHS 965.12\n');
    expect(stats).toContain('  Crypto sent: 1 · GHS 465.12\n');
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => Boolean(message.photo));

    // /orders and /history show it with its explorer link.
    const orders = await openOrders(desk.tg, ama, '🪙 Crypto in and out', 'Crypto in and out');
    expect(orders.text).toContain(`⬆️ Sent 31.23726627 USDT on TRON (TRC-20)\n${reference} · ✅ sent`);
    expect(orders.text).toContain(`https://tronscan.org/#/transaction/${HASH_A}`);
    await ama.send('/history');
    expect((await desk.tg.waitForMessage(ama.id, reference)).text).toContain(`🪙 Crypto withdrawal ${reference}\n32.23726627 USDT · ✅ done`);
    expect(await invariantViolations(desk.db)).toEqual([]);
  });

  it('needs two admins above the second-approval threshold, by its value at the sell rate', async () => {
    await openTron();
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const efua = await newUser('Efua');
    await buyUsdt(efua);
    await desk.db.query('UPDATE settings SET second_approval_above_ghs = 100');
    const [row] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [efua.id]);
    const made = await desk.bot.services.wallet.crypto.createWithdrawal({
      userId: Number(row?.id), network: 'tron', address: TRON_ADDRESS, memo: null, amount: '10', fee: '1.00000000', reference: 'CWD-TWOEYES1', label: null,
    });
    if (made.status !== 'created') throw new Error(made.status);
    // 10 USDT at the sell rate of 15.20 less 2% (GHS 14.89): GHS 148.90.
    expect(await desk.db.query('SELECT value_ghs FROM crypto_withdrawals WHERE id = $1', [made.id])).toEqual([{ value_ghs: '148.90' }]);
    const kwabena = { id: ADMIN_ID, first_name: 'Kwabena' };
    const esiIdentity = { id: ESI_ID, first_name: 'Esi' };
    expect((await desk.bot.services.approvals.claim({ kind: 'crypto_withdrawal', id: made.id, from: kwabena })).outcome).toBe('needs_approvals');
    expect((await desk.bot.services.approvals.decide({ kind: 'crypto_withdrawal', id: made.id, action: 'approve', from: kwabena })).outcome).toBe('approval_recorded');
    expect((await desk.bot.services.approvals.decide({ kind: 'crypto_withdrawal', id: made.id, action: 'approve', from: esiIdentity })).outcome).toBe('approval_recorded');
    expect((await desk.bot.services.approvals.claim({ kind: 'crypto_withdrawal', id: made.id, from: esiIdentity })).outcome).toBe('applied');
    const paid = await desk.bot.services.approvals.decide({ kind: 'crypto_withdrawal', id: made.id, action: 'approve', from: esiIdentity, payoutReference: HASH_A });
    expect(paid.outcome).toBe('applied');
    expect(await balances(desk.db, efua)).toMatchObject({ balance_crypto: '21.23726627', escrow_crypto: '0.00000000' });
  });

  it('asks the memo on TON and shows it on the card', async () => {
    await openNetwork('ton', EXCHANGE_TON_ADDRESS, '0.5');
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const kojo = await newUser('Kojo');
    await buyUsdt(kojo);
    await kojo.send('/withdraw');
    await kojo.tap(await desk.tg.waitForMessage(kojo.id, 'Where should the money go?'), '🪙 USDT to a wallet');
    await kojo.tap(await desk.tg.waitForMessage(kojo.id, 'On which network should it go?'), 'TON');
    await desk.tg.waitForMessage(kojo.id, 'Paste the TON address');
    await kojo.send(TRON_ADDRESS);
    await desk.tg.waitForMessage(kojo.id, 'This looks like a TRON address: this desk does not send or receive USDT on TRON. Please give a TON address, which starts with EQ or UQ.');
    await kojo.send(EXCHANGE_TON_ADDRESS);
    await desk.tg.waitForMessage(kojo.id, 'Does the receiver need a memo');
    await kojo.send('104233');
    await desk.tg.waitForMessage(kojo.id, 'How much USDT should arrive?');
    await kojo.send('20');
    await kojo.tap(await desk.tg.waitForMessage(kojo.id, 'Save this address for next time?'), "Don't save");
    const summary = await desk.tg.waitForMessage(kojo.id, 'Send 20.00000000 USDT on TON');
    expect(summary.text).toContain('Memo: 104233');
    expect(summary.text).toContain('Leaves your wallet: 20.50000000 USDT');
    await kojo.tap(summary, '✅ Confirm');
    await desk.tg.waitForMessage(kojo.id, 'Type your transaction PIN');
    await kojo.send(TEST_PIN);
    await desk.tg.waitForMessage(kojo.id, '20.50000000 USDT is reserved');
    const card = await cardFor(desk.tg, referenceIn(summary, 'CWD'));
    expect(card.text).toContain(`Send to: ${EXCHANGE_TON_ADDRESS}`);
    expect(card.text).toContain(`Address on the explorer: https://tonviewer.com/${EXCHANGE_TON_ADDRESS}`);
    expect(card.text).toContain('Memo: 104233');
    expect(await desk.db.query("SELECT count(*) FROM crypto_addresses WHERE network = 'ton'")).toEqual([{ count: '0' }]);
  });

  it('offers the saved address, returns amount and fee on decline, takes one hash for several withdrawals of one network and refuses it on another', async () => {
    await openTron();
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const yaw = await newUser('Yaw');
    await buyUsdt(yaw);
    await desk.db.query(
      "INSERT INTO crypto_addresses (user_id, network, address, label, last_used_at) SELECT id, 'tron', $2, 'Old wallet', now() - interval '1 day' FROM users WHERE telegram_id = $1",
      [yaw.id, OLD_TRON_ADDRESS],
    );
    await desk.db.query("INSERT INTO crypto_addresses (user_id, network, address, label, last_used_at) SELECT id, 'tron', $2, 'Trust Wallet', now() FROM users WHERE telegram_id = $1", [
      yaw.id,
      TRON_ADDRESS,
    ]);

    const references: string[] = [];
    for (const amount of ['10', '6']) {
      const question = await startTronWithdrawal(yaw);
      const buttons = JSON.stringify(question.reply_markup);
      expect(buttons.indexOf('Trust Wallet')).toBeGreaterThan(-1);
      expect(buttons.indexOf('Trust Wallet')).toBeLessThan(buttons.indexOf('Old wallet'));
      await yaw.tap(question, /^Trust Wallet/);
      await desk.tg.waitForMessage(yaw.id, 'How much USDT should arrive?');
      await yaw.send(amount);
      const summary = await desk.tg.waitForMessage(yaw.id, `Send ${amount}.00000000 USDT on TRON (TRC-20)`);
      references.push(referenceIn(summary, 'CWD'));
      await yaw.tap(summary, '✅ Confirm');
      await desk.tg.waitForMessage(yaw.id, 'Type your transaction PIN');
      await yaw.send(TEST_PIN);
      await desk.tg.waitForMessage(yaw.id, 'is reserved for your withdrawal');
    }
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '14.23726627', escrow_crypto: '18.00000000' });

    // Declined: amount and fee back.
    const [first = '', second = ''] = references;
    const declined = await cardFor(desk.tg, second);
    expect(declined.text).toContain('TRON (TRC-20), waiting');
    await desk.admins.admin.tap(declined, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, declined.message_id, () => JSON.stringify(desk.tg.message(ADMIN_CHAT_ID, declined.message_id)?.reply_markup).includes('The address looks wrong'));
    await desk.admins.admin.tap(declined, 'The address looks wrong', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(yaw.id, `Your withdrawal ${second} was declined. Reason: The address looks wrong. 7.00000000 USDT (the amount and its fee) is available again in your wallet.`);
    expect(await balances(desk.db, yaw)).toMatchObject({ balance_crypto: '21.23726627', escrow_crypto: '11.00000000' });

    // A batch: another user's withdrawal and Yaw's first are paid by one transaction on TRON.
    const firstRow = await withdrawalRow(first);
    const otherId = await desk.bot.services.wallet.crypto.createWithdrawal({
      userId: Number((await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [yaw.id]))[0]?.id),
      network: 'tron',
      address: TRON_ADDRESS,
      memo: null,
      amount: '5',
      fee: '1.00000000',
      reference: 'CWD-BATCH001',
      label: null,
    });
    expect(otherId.status).toBe('created');
    for (const id of [Number(firstRow.id), otherId.status === 'created' ? otherId.id : 0]) {
      const card = await desk.bot.services.approvals.card('crypto_withdrawal', id);
      expect(card?.status).toBe('pending');
      const claimed = await desk.bot.services.approvals.claim({ kind: 'crypto_withdrawal', id, from: { id: ESI_ID, first_name: 'Esi' } });
      expect(claimed.outcome).toBe('applied');
      expect(await desk.bot.services.approvals.checkPayoutReference('crypto_withdrawal', id, HASH_B)).toEqual({ ok: true, value: HASH_B });
      const paid = await desk.bot.services.approvals.decide({ kind: 'crypto_withdrawal', id, action: 'approve', from: { id: ESI_ID, first_name: 'Esi' }, payoutReference: HASH_B });
      expect(paid.outcome).toBe('applied');
    }
    expect(await desk.db.query('SELECT count(*) FROM crypto_withdrawals WHERE tx_hash = $1', [HASH_B])).toEqual([{ count: '2' }]);
    // The same hash recorded on TRON is refused for a withdrawal on another network whose hashes look the same.
    expect(reasonOf(await checkPaidHash(desk.db.pool, 'bitcoin', HASH_B))).toContain('recorded already, for a withdrawal on TRON (TRC-20)');
    expect(await checkPaidHash(desk.db.pool, 'tron', HASH_B)).toEqual({ ok: true, value: HASH_B });

    // Picking the older saved address makes it the first offered next time.
    desk.clock.advance(MINUTE);
    await yaw.tap(await startTronWithdrawal(yaw), /^Old wallet/);
    await desk.tg.waitForMessage(yaw.id, 'How much USDT should arrive?');
    await yaw.send('5');
    const toOld = await desk.tg.waitForMessage(yaw.id, 'Send 5.00000000 USDT on TRON (TRC-20)');
    expect(toOld.text).toContain(`To: ${OLD_TRON_ADDRESS}`);
    await yaw.tap(toOld, '✅ Confirm');
    await desk.tg.waitForMessage(yaw.id, 'Type your transaction PIN');
    await yaw.send(TEST_PIN);
    await desk.tg.waitForMessage(yaw.id, 'is reserved for your withdrawal');
    const offered = JSON.stringify((await startTronWithdrawal(yaw)).reply_markup);
    expect(offered.indexOf('Old wallet')).toBeGreaterThan(-1);
    expect(offered.indexOf('Old wallet')).toBeLessThan(offered.indexOf('Trust Wallet'));
    await yaw.send('/cancel');
    await desk.tg.waitForMessage(yaw.id, /Cancelled/);
    expect(await invariantViolations(desk.db)).toEqual([]);
  });

  it('asks Paid again, with why, for the hash of a deposit the desk received, on any network', async () => {
    await openTron();
    await openNetwork('ton', EXCHANGE_TON_ADDRESS, '0.5');
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const abena = await newUser('Abena');
    await buyUsdt(abena);
    const [user] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [abena.id]);
    const userId = Number(user?.id);
    // Abena reports a deposit on TON: its hash has the form of a TRON hash.
    const deposit = await desk.bot.services.wallet.crypto.createDeposit({ userId, network: 'ton', amount: '5', txHash: HASH_C, reference: 'CDP-TONHASH1' });
    expect(deposit.status).toBe('created');
    const made = await desk.bot.services.wallet.crypto.createWithdrawal({
      userId, network: 'tron', address: TRON_ADDRESS, memo: null, amount: '10', fee: '1.00000000', reference: 'CWD-TRONPAY1', label: null,
    });
    if (made.status !== 'created') throw new Error(made.status);
    const card = await cardFor(desk.tg, 'CWD-TRONPAY1');

    const question = await claimAndAskHash(desk.admins.admin, card, made.id);
    await desk.admins.admin.send(HASH_C, { chatId: ADMIN_CHAT_ID, replyTo: question });
    const again = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'That transaction hash is recorded already, as a deposit a user sent to the desk on TON. Check the hash and type the one of your payout.');
    expect(again.reply_markup).toMatchObject({ force_reply: true, selective: true });
    expect(await withdrawalRow('CWD-TRONPAY1')).toMatchObject({ status: 'pending', tx_hash: null });
    await desk.admins.admin.send(HASH_A, { chatId: ADMIN_CHAT_ID, replyTo: again });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Crypto withdrawal #${made.id} is marked paid. The user was sent the transaction hash ${HASH_A}.`);
    expect(await withdrawalRow('CWD-TRONPAY1')).toMatchObject({ status: 'approved', tx_hash: HASH_A });
  });
});

describe('reminders of crypto requests', () => {
  it('bring up a crypto withdrawal and a crypto deposit waiting over 30 minutes, and a crypto withdrawal claimed and left unpaid', async () => {
    await openTron();
    await setPrice(desk.bot, '15.20', ADMIN_ID);
    const akua = await newUser('Akua');
    await buyUsdt(akua);
    const [user] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [akua.id]);
    const userId = Number(user?.id);
    const withdrawal = await desk.bot.services.wallet.crypto.createWithdrawal({
      userId, network: 'tron', address: TRON_ADDRESS, memo: null, amount: '10', fee: '1.00000000', reference: 'CWD-REMIND01', label: null,
    });
    const deposit = await desk.bot.services.wallet.crypto.createDeposit({ userId, network: 'tron', amount: '5', txHash: HASH_D, reference: 'CDP-REMIND01' });
    if (withdrawal.status !== 'created' || deposit.status !== 'created') throw new Error(`${withdrawal.status} ${deposit.status}`);

    desk.clock.advance(31 * MINUTE);
    await desk.bot.runJob('remind-pending-requests');
    const waiting = (await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'waiting over 30 minutes')).text ?? '';
    expect(waiting).toMatch(new RegExp(`\\d\\. Crypto withdrawal #${withdrawal.id}: .*10\\.00000000 USDT.* · waiting 31 minutes`));
    expect(waiting).toMatch(new RegExp(`\\d\\. Crypto deposit #${deposit.id}: .*5\\.00000000 USDT.* · waiting 31 minutes`));

    // Esi claims the withdrawal and leaves it: after 30 minutes she is reminded, by name.
    expect((await desk.bot.services.approvals.claim({ kind: 'crypto_withdrawal', id: withdrawal.id, from: { id: ESI_ID, first_name: 'Esi' } })).outcome).toBe('applied');
    desk.clock.advance(29 * MINUTE);
    await desk.bot.runJob('remind-claimed-payouts');
    desk.clock.advance(2 * MINUTE);
    await desk.bot.runJob('remind-claimed-payouts');
    const claimed = await desk.tg.waitForMessage(ADMIN_CHAT_ID, `You have been paying out Crypto withdrawal #${withdrawal.id} for 31 minutes`);
    expect(claimed.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: expect.objectContaining({ id: ESI_ID }) as unknown }));
    expect(desk.tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(`You have been paying out Crypto withdrawal #${withdrawal.id} `))).toHaveLength(1);
  });
});

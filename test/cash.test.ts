import { describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import type { TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, pendingDepositInChat, referenceIn, withdrawToMomoInChat } from './support/flows.ts';
import { sidewaysPhoto } from './support/images.ts';
import { seedUser, TEST_PIN } from './support/users.ts';

const ADMIN_ID = 930001;
const MINUTE = 60_000;

const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Kwabena', last_name: 'Admin' } },
  firstUserId: 6000,
  startFrom: ['UPDATE settings SET min_amount_ghs = 50, max_amount_ghs = 50000'],
});
const newUser = (name: string) => desk.newUser(name);

/** A deposit through the chat (I have paid, no screenshot), approved by the admin. */
async function deposit(user: TestUser, amount: string): Promise<void> {
  await desk.admins.admin.tap(await cardFor(desk.tg, await pendingDepositInChat(desk.tg, user, amount)), '✅ Approve', { chatId: ADMIN_CHAT_ID });
  await desk.tg.waitForMessage(user.id, 'is now in your wallet');
}

describe('deposits', () => {
  it('shows where to pay with a reference, takes a screenshot, and credits cedis on approval', async () => {
    const abena = await newUser('Abena');
    await abena.send('/wallet');
    const wallet = await desk.tg.waitForMessage(abena.id, 'Your wallet');
    expect(wallet.text).toContain('Cedis: GHS 0.00 available · GHS 0.00 reserved');
    await abena.tap(wallet, '⬇️ Deposit');
    await abena.tap(await desk.tg.waitForMessage(abena.id, 'How will you send the cedis?'), '🏦 Bank');
    await abena.send('two hundred');
    await desk.tg.waitForMessage(abena.id, 'Please type an amount');
    await abena.send('GHS 1,250.50');
    const payment = await desk.tg.waitForMessage(abena.id, 'Deposit GHS 1,250.50');
    expect(payment.text).toContain('Pay exactly GHS 1,250.50 by bank transfer to:');
    const reference = referenceIn(payment, 'DEP');
    await abena.sendPhoto(await sidewaysPhoto());
    await desk.tg.waitForMessage(abena.id, `Your deposit ${reference} is waiting for our team`);

    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('Amount: GHS 1,250.50 by bank transfer');
    expect(card.text).toContain('Payment proof: screenshot attached');
    const [row] = await desk.db.query<{ payment_proof: string }>('SELECT payment_proof FROM cash_deposits WHERE reference = $1', [reference]);
    expect(row?.payment_proof).toMatch(/^proofs\/[\w-]+\.jpg$/);

    await desk.admins.admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Kwabena Admin');
    await desk.tg.waitForMessage(abena.id, `Your deposit ${reference} of GHS 1,250.50 is now in your wallet.`);
    expect((await balances(desk.db, abena)).balance_cedis).toBe('1250.50');
  });

  it('keeps 0.1 + 0.2 GHS exact from deposit to withdrawal', async () => {
    await desk.db.query('UPDATE settings SET min_amount_ghs = 0.01');
    const efua = await newUser('Efua');
    await deposit(efua, '0.1');
    await deposit(efua, '0.2');
    expect((await balances(desk.db, efua)).balance_cedis).toBe('0.30');
    await efua.send('/wallet');
    expect((await desk.tg.waitForMessage(efua.id, 'Your wallet')).text).toContain('Cedis: GHS 0.30 available');

    await withdrawToMomoInChat(desk.tg, efua, '0.3');
    const reserved = await desk.tg.waitForMessage(efua.id, 'GHS 0.30 is reserved for your withdrawal');
    expect(await balances(desk.db, efua)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.30' });
    const card = await cardFor(desk.tg, referenceIn(reserved, 'WD'));
    await desk.admins.admin.tapAndAwaitAnswer(card, "💸 I'm paying this", { chatId: ADMIN_CHAT_ID });
    await desk.admins.admin.tap(await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Kwabena Admin is paying this out'), '✅ Paid', { chatId: ADMIN_CHAT_ID });
    await desk.admins.admin.send('MP241207.0930.B00123', { chatId: ADMIN_CHAT_ID, replyTo: await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Type the MoMo transaction id or bank reference') });
    await desk.tg.waitForMessage(efua.id, 'of GHS 0.30 has been paid to MTN mobile money 0241234567, name Efua Test. Payout reference: MP241207.0930.B00123');
    expect(await balances(desk.db, efua)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
  });
});

describe('approving a deposit', () => {
  it('credits exactly once for 50 concurrent Approve taps by five admins', async () => {
    const admins = await Promise.all(
      [1, 2, 3, 4, 5].map(async (index) => {
        const user = desk.tg.createUser({ id: 931000 + index, first_name: `Admin${index}` });
        await seedUser(desk.db, user, { adminIds: [user.id] });
        desk.tg.joinGroup(ADMIN_CHAT_ID, user);
        return user;
      }),
    );
    const kofi = await newUser('Kofi');
    await kofi.send('/deposit');
    await kofi.tap(await desk.tg.waitForMessage(kofi.id, 'How will you send the cedis?'), '📱 Mobile money');
    await kofi.send('700');
    const payment = await desk.tg.waitForMessage(kofi.id, 'Pay exactly');
    await kofi.tap(payment, '✅ I have paid');
    const reference = referenceIn(payment, 'DEP');
    const card = await cardFor(desk.tg, reference);
    const taps = await Promise.all(admins.flatMap((user) => Array.from({ length: 10 }, () => user.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID }).then((id) => ({ user, id })))));
    const answers = await Promise.all(taps.map(({ user, id }) => user.answerOf(id)));
    expect(answers.filter((answer) => answer.text === 'Done: approved.')).toHaveLength(1);
    expect(answers.filter((answer) => answer.text?.startsWith('Already approved by Admin'))).toHaveLength(49);
    await desk.tg.waitForMessage(kofi.id, 'GHS 700.00 is now in your wallet');
    await desk.tg.settle();
    expect((await balances(desk.db, kofi)).balance_cedis).toBe('700.00');
    const entries = await desk.db.query("SELECT l.amount FROM ledger_entries l JOIN cash_deposits d ON d.id = l.reference_id AND l.reference_kind = 'deposit' WHERE d.reference = $1", [reference]);
    expect(entries).toEqual([{ amount: '700.00000000' }]);
    expect(desk.tg.messages(kofi.id).filter((message) => message.text?.includes('is now in your wallet'))).toHaveLength(1);
  });
});

describe('who decides', () => {
  it('does not let an admin decide their own request', async () => {
    await seedUser(desk.db, desk.admins.admin, { adminIds: [ADMIN_ID] });
    await desk.db.query("UPDATE users SET kyc_status = 'approved' WHERE telegram_id = $1", [ADMIN_ID]);
    await desk.admins.admin.send('/deposit');
    await desk.admins.admin.tap(await desk.tg.waitForMessage(desk.admins.admin.id, 'How will you send the cedis?'), '📱 Mobile money');
    await desk.admins.admin.send('5000');
    const payment = await desk.tg.waitForMessage(desk.admins.admin.id, 'Pay exactly');
    await desk.admins.admin.tap(payment, '✅ I have paid');
    const card = await cardFor(desk.tg, referenceIn(payment, 'DEP'));
    const answer = await desk.admins.admin.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(answer).toMatchObject({ text: 'You cannot decide your own request: another admin must.', show_alert: true });
    const [row] = await desk.db.query('SELECT status FROM cash_deposits WHERE reference = $1', [referenceIn(payment, 'DEP')]);
    expect(row).toEqual({ status: 'pending' });
    expect((await balances(desk.db, desk.admins.admin)).balance_cedis).toBe('0.00');
  });
});

describe('withdrawals', () => {
  it('reserves the cedis after the PIN, shows the payout on the card, and releases them on decline', async () => {
    const kwesi = await newUser('Kwesi');
    await deposit(kwesi, '500');
    await kwesi.send('/withdraw');
    await kwesi.tap(await desk.tg.waitForMessage(kwesi.id, 'You have GHS 500.00 available'), '🏦 Bank');
    await kwesi.send('Republic Bank Ghana');
    await desk.tg.waitForMessage(kwesi.id, 'What is the account number?');
    await kwesi.send('12-34');
    await desk.tg.waitForMessage(kwesi.id, 'A bank account number is 8 to 20 digits');
    await kwesi.send('0012 3456 7890');
    await desk.tg.waitForMessage(kwesi.id, 'What is the name on the account');
    await kwesi.send('Kwesi');
    await desk.tg.waitForMessage(kwesi.id, 'Type the full name on the account');
    await kwesi.send('Kwesi Test');
    await desk.tg.waitForMessage(kwesi.id, 'How much do you want to withdraw?');
    await kwesi.send('600');
    await desk.tg.waitForMessage(kwesi.id, 'You have GHS 500.00 available. Type a smaller amount.');
    await kwesi.send('300');
    const summary = await desk.tg.waitForMessage(kwesi.id, 'Withdraw GHS 300.00');
    expect(summary.text).toContain('To: Republic Bank Ghana account 001234567890 (Kwesi Test)');
    await kwesi.tap(summary, '✅ Confirm');
    await kwesi.send(TEST_PIN);
    const reserved = await desk.tg.waitForMessage(kwesi.id, 'GHS 300.00 is reserved for your withdrawal');
    expect(await balances(desk.db, kwesi)).toMatchObject({ balance_cedis: '200.00', escrow_balance: '300.00' });

    const card = await cardFor(desk.tg, referenceIn(reserved, 'WD'));
    expect(card.text).toContain('Pay to: Republic Bank Ghana, account 001234567890, name Kwesi Test');
    expect(card.text).toContain("Tap I'm paying this, pay the amount, then tap Paid and type the payout reference");
    await desk.admins.admin.tap(card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(desk.tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('payout details'));
    await desk.admins.admin.tap(card, 'The payout details are wrong', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(kwesi.id, 'Reason: The payout details are wrong. GHS 300.00 is available again in your wallet.');
    expect(await balances(desk.db, kwesi)).toMatchObject({ balance_cedis: '500.00', escrow_balance: '0.00' });
  });

  it('locks money actions for 15 minutes after five wrong PINs', async () => {
    const nana = await newUser('Nana');
    await deposit(nana, '100');
    await withdrawToMomoInChat(desk.tg, nana, '60', '000001');
    for (let left = 4; left >= 1; left -= 1) {
      await desk.tg.waitForMessage(nana.id, `Wrong PIN. ${left} ${left === 1 ? 'attempt' : 'attempts'} left`);
      await nana.send(`00000${left + 1}`);
    }
    await desk.tg.waitForMessage(nana.id, 'Too many wrong PINs: money actions are locked until');
    expect(await balances(desk.db, nana)).toMatchObject({ balance_cedis: '100.00', escrow_balance: '0.00' });
    await nana.send('/withdraw');
    await desk.tg.waitForMessage(nana.id, 'Money actions are locked until');
    await nana.send('/deposit');
    await desk.tg.waitForMessage(nana.id, 'Money actions are locked until');

    desk.clock.advance(15 * MINUTE + 1000);
    await withdrawToMomoInChat(desk.tg, nana, '60');
    await desk.tg.waitForMessage(nana.id, 'GHS 60.00 is reserved for your withdrawal');
  });
  it('says at once when the balance is below the smallest withdrawal, and asks for cedis when an amount names the crypto', async () => {
    const abena = await newUser('Abena');
    await deposit(abena, '60');
    await desk.db.query('UPDATE settings SET min_amount_ghs = 100');
    await abena.send('/withdraw');
    await desk.tg.waitForMessage(abena.id, 'Your available balance is GHS 60.00, below the smallest withdrawal of GHS 100.00, so you cannot withdraw yet.');
    await abena.send('/deposit');
    await abena.tap(await desk.tg.waitForMessage(abena.id, 'How will you send the cedis?'), '📱 Mobile money');
    await desk.tg.waitForMessage(abena.id, 'How much will you deposit?');
    await abena.send('5 USDT');
    await desk.tg.waitForMessage(abena.id, 'Deposits and withdrawals are in cedis only. Type the amount in cedis, e.g. 250 or GHS 250.');
    await abena.send('/cancel');
  });
});

describe('history', () => {
  it('lists every request newest first with its status, five per page', async () => {
    const ato = await newUser('Ato');
    for (const amount of ['51', '52', '53', '54', '55', '56']) await deposit(ato, amount);
    await ato.send('/history');
    const first = await desk.tg.waitForMessage(ato.id, 'Your history');
    expect(first.text).toContain('(page 1 of 2)');
    expect(first.text?.indexOf('GHS 56.00')).toBeLessThan(first.text?.indexOf('GHS 52.00') ?? 0);
    expect(first.text).not.toContain('GHS 51.00');
    expect(first.text).toContain('✅ done');
    await ato.tap(first, 'Older ▶️');
    const second = await desk.tg.waitForEdit(ato.id, first.message_id, '(page 2 of 2)');
    expect(second.text).toContain('GHS 51.00');
    // A forged page number past the end shows the last page instead of failing.
    await ato.send('/history');
    const again = await desk.tg.waitForMessage(ato.id, 'Your history');
    await ato.answerOf(await ato.tapWithData(ato.id, again.message_id, 'hist:999999999999999999999'));
    await desk.tg.waitForEdit(ato.id, again.message_id, '(page 2 of 2)');
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { NOTHING_WAITING_MANUAL_PRICE, useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor, pendingBuyInChat, pendingDepositInChat, referenceIn } from './support/flows.ts';
import { sidewaysPhoto } from './support/images.ts';

const ADMIN_ID = 940001;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Esi', last_name: 'Admin' }, second: { id: ADMIN_ID + 1, first_name: 'Kojo', last_name: 'Mensah' } },
  firstUserId: 7000,
  startFrom: [...NOTHING_WAITING_MANUAL_PRICE, 'UPDATE settings SET min_amount_ghs = 50, max_amount_ghs = 50000, second_approval_above_ghs = 0'],
  price: '15.20',
});
const newUser = (name: string) => desk.newUser(name);

/** /deposit by bank up to where to pay: the payment message, with its DEP- reference. */
async function depositShown(user: TestUser, amount: string): Promise<{ payment: ChatMessage; reference: string }> {
  await user.send('/deposit');
  await user.tap(await desk.tg.waitForMessage(user.id, 'How will you send the cedis?'), '🏦 Bank');
  await desk.tg.waitForMessage(user.id, 'How much will you deposit?');
  await user.send(amount);
  const payment = await desk.tg.waitForMessage(user.id, 'Pay exactly');
  return { payment, reference: referenceIn(payment, 'DEP') };
}

async function depositRow(reference: string) {
  const [row] = await desk.db.query<{ id: string; status: string; reported: boolean; proof: boolean }>(
    'SELECT id, status, reported_paid_at IS NOT NULL AS reported, payment_proof IS NOT NULL AS proof FROM cash_deposits WHERE reference = $1',
    [reference],
  );
  return row;
}

const cardsOf = (reference: string) => desk.tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(reference) && message.reply_markup);

async function expireConversations(): Promise<void> {
  await desk.tg.settle();
  desk.clock.advance(31 * MINUTE);
  await desk.bot.runJob('expire-conversations');
}

describe('the 40-minute deposit', () => {
  it('keeps the request and its reference when the conversation expires; a later screenshot reports it, the admin approves, and it is credited once', async () => {
    const kwame = await newUser('Kwame');
    const { payment, reference } = await depositShown(kwame, '500');
    // Stored the moment the details were shown, awaiting the payment: no card, counted by /pending.
    expect(await depositRow(reference)).toMatchObject({ status: 'pending', reported: false });
    await desk.admins.admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    const pending = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Nothing is waiting for a decision');
    expect(pending.text).toContain('Awaiting payment (no card until the user reports paying): 1');

    // 40 minutes at the bank: the conversation expires meanwhile.
    await expireConversations();
    desk.clock.advance(9 * MINUTE);
    await kwame.sendPhoto(await sidewaysPhoto());
    const notice = await desk.tg.waitForMessage(kwame.id, 'What you were doing was closed after 30 minutes');
    expect(notice.text).toContain(`Your deposit ${reference}`);
    expect(notice.text).toContain('if you already paid, do not pay again');
    expect(notice.text).not.toContain('nothing from it was saved');
    await desk.tg.waitForMessage(kwame.id, `Your deposit ${reference} is reported paid and waiting for our team`);
    expect(await depositRow(reference)).toMatchObject({ status: 'pending', reported: true, proof: true });
    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('Amount: GHS 500.00 by bank transfer');
    expect(card.text).toContain('Payment proof: screenshot attached');

    // Reported again (a second screenshot as a reply, the old "I have paid", the notice's button): nothing changes.
    await kwame.sendPhoto(await sidewaysPhoto(), { replyTo: payment });
    await desk.tg.waitForMessage(kwame.id, `Your payment for ${reference} is already reported; nothing changed.`);
    await kwame.tap(payment, '✅ I have paid');
    await desk.tg.waitForMessage(kwame.id, `Your payment for ${reference} is already reported; nothing changed.`);
    await kwame.tap(notice, `✅ I have paid ${reference}`);
    await desk.tg.waitForMessage(kwame.id, `Your payment for ${reference} is already reported; nothing changed.`);

    await desk.admins.admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(kwame.id, `Your deposit ${reference} of GHS 500.00 is now in your wallet.`);
    await kwame.sendPhoto(await sidewaysPhoto(), { replyTo: payment });
    await desk.tg.waitForMessage(kwame.id, `${reference} is already complete; nothing changed.`);
    await desk.tg.settle();
    expect((await balances(desk.db, kwame)).balance_cedis).toBe('500.00');
    const credits = await desk.db.query("SELECT amount FROM ledger_entries WHERE reason = 'deposit_approved' AND reference_id = $1", [(await depositRow(reference))?.id]);
    expect(credits).toEqual([{ amount: '500.00000000' }]);
    expect(cardsOf(reference)).toHaveLength(1);
  });

  it('is reported later by replying to the payment message after "Not now", or from /history after /cancel', async () => {
    const abla = await newUser('Abla');
    const { payment, reference } = await depositShown(abla, '120');
    await abla.tap(payment, '⏸ Not now');
    await desk.tg.waitForMessage(abla.id, `Your request ${reference} stays open for 24 hours`);
    await abla.sendPhoto(await sidewaysPhoto(), { replyTo: payment });
    await desk.tg.waitForMessage(abla.id, `Your deposit ${reference} is reported paid`);
    await cardFor(desk.tg, reference);

    const buy = await (async () => {
      await abla.send('/buy');
      await abla.send('GHS 200');
      await abla.tap(await desk.tg.waitForMessage(abla.id, 'How will you pay?'), '📱 Mobile money');
      const shown = await desk.tg.waitForMessage(abla.id, 'by mobile money to:');
      await abla.send('/cancel');
      const kept = await desk.tg.waitForMessage(abla.id, 'Still open with its reference; if you already paid, do not pay again');
      expect(kept.text).toContain(`Your purchase ${referenceIn(shown, 'BUY')}`);
      await desk.tg.waitForMessage(abla.id, 'Cancelled. Choose from the menu below.');
      return referenceIn(shown, 'BUY');
    })();
    await abla.send('/history');
    const history = await desk.tg.waitForMessage(abla.id, 'Your history');
    expect(history.text).toContain('awaiting your payment');
    await abla.tap(history, `✅ I have paid ${buy}`);
    await desk.tg.waitForMessage(abla.id, `Your purchase ${buy} is reported paid`);
    const card = await cardFor(desk.tg, buy);
    expect(card.text).toContain('Payment proof: none sent: check the account');
  });
});

describe('a request nobody reported paying', () => {
  it('is never a card or a reminder, and closes after 24 hours with the user told its reference; /reopen brings it back to be approved', async () => {
    const start = desk.clock.now().getTime();
    const kofi = await newUser('Kofi');
    const { payment, reference } = await depositShown(kofi, '300');
    await kofi.tap(payment, '⏸ Not now');
    await desk.tg.waitForMessage(kofi.id, 'stays open for 24 hours');

    desk.clock.advance(2 * HOUR);
    await desk.bot.runJob('remind-pending-requests');
    desk.clock.advance(start + 24 * HOUR - MINUTE - desk.clock.now().getTime());
    await desk.bot.runJob('expire-unpaid-buys');
    expect(await depositRow(reference)).toMatchObject({ status: 'pending', reported: false });
    desk.clock.advance(MINUTE);
    await desk.bot.runJob('expire-unpaid-buys');
    expect(await depositRow(reference)).toMatchObject({ status: 'declined', reported: false });
    await desk.bot.runJob('deliver-notifications');
    const told = await desk.tg.waitForMessage(kofi.id, `Your deposit ${reference} of GHS 300.00 was closed: no payment was reported for it within 24 hours.`);
    expect(told.text).toContain(`Do not pay for it now. If you already paid, contact support with the reference ${reference}`);
    await desk.tg.settle();
    expect(desk.tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(reference) || message.text?.includes('waiting over 30 minutes'))).toEqual([]);

    // A report after it closed changes nothing; an admin who sees the money re-opens it.
    await kofi.sendPhoto(await sidewaysPhoto(), { replyTo: payment });
    await desk.tg.waitForMessage(kofi.id, `${reference} was closed before your payment was reported, so nothing changed.`);
    await desk.admins.admin.send(`/reopen ${reference.toLowerCase()} The transfer arrived on day two`, { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Re-opened Deposit #${(await depositRow(reference))?.id} (${reference}). Reason sent to the user: The transfer arrived on day two`);
    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('Re-opened by Esi Admin');
    await desk.tg.waitForMessage(kofi.id, `Your deposit ${reference} was re-opened by our team (The transfer arrived on day two).`);
    await desk.admins.admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(kofi.id, `Your deposit ${reference} of GHS 300.00 is now in your wallet.`);
    expect((await balances(desk.db, kofi)).balance_cedis).toBe('300.00');
    const audit = await desk.db.query("SELECT action, reason FROM admin_audit_log WHERE subject_kind = 'deposit' AND subject_id = $1 ORDER BY id", [(await depositRow(reference))?.id]);
    expect(audit).toEqual([
      { action: 'reopen', reason: 'The transfer arrived on day two' },
      { action: 'approve', reason: null },
    ]);
    await desk.admins.admin.send(`/reopen ${reference} again please`, { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'is approved: only a declined or expired one can be re-opened.');
  });
});

describe('a buy reported paid and left unconfirmed', () => {
  it('is flagged to the admins after 24 hours instead of declined, once, and can still be approved', async () => {
    const yaw = await newUser('Yaw');
    const reference = await pendingBuyInChat(desk.tg, yaw, 'GHS 500');
    await cardFor(desk.tg, reference);
    desk.clock.advance(24 * HOUR + MINUTE);
    await desk.bot.runJob('expire-unpaid-buys');
    const flagged = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => Boolean(message.text?.includes(reference) && message.text.includes('⚠️ Overdue')));
    expect(flagged.text).toContain('reported paid over 24 hours ago and not confirmed: check the payment');
    desk.clock.advance(HOUR);
    await desk.bot.runJob('expire-unpaid-buys');
    await desk.tg.settle();
    expect(cardsOf(reference)).toHaveLength(2);
    expect((await desk.db.query('SELECT status FROM crypto_transactions WHERE reference = $1', [reference]))[0]).toEqual({ status: 'pending' });
    await desk.admins.admin.tap(flagged, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(yaw.id, `Your purchase ${reference} is complete: 32.23726627 USDT is now in your wallet.`);
    expect((await balances(desk.db, yaw)).balance_crypto).toBe('32.23726627');
  });
});

describe('re-opening from the card', () => {
  it('asks the admin for the reason with a forced reply, puts the same request back to pending, and it is decided as usual', async () => {
    const ama = await newUser('Ama');
    const reference = await pendingDepositInChat(desk.tg, ama, '250');
    const card = await cardFor(desk.tg, reference);
    await desk.admins.admin.tap(card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(desk.tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('Payment not received'));
    await desk.admins.admin.tap(card, 'Payment not received', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Declined by Esi Admin');

    await desk.admins.admin.tap(card, '↩️ Re-open', { chatId: ADMIN_CHAT_ID });
    const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Type the reason for re-opening Deposit #');
    expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await desk.admins.admin.send('Found it in the statement', { chatId: ADMIN_CHAT_ID, replyTo: question });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Re-opened Deposit #');
    const reopened = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Re-opened by Esi Admin');
    expect(reopened.text).toContain('Waiting for a decision');
    expect(reopened.text).toContain('Reason: Found it in the statement');
    await desk.tg.waitForMessage(ama.id, `Your deposit ${reference} was re-opened by our team (Found it in the statement).`);
    expect((await desk.db.query('SELECT status, decline_reason FROM cash_deposits WHERE reference = $1', [reference]))[0]).toEqual({ status: 'pending', decline_reason: null });

    // A late tap on Re-open (a copy the edit has not reached) finds it open already.
    const id = (await depositRow(reference))?.id;
    const late = await desk.admins.admin.answerOf(await desk.admins.admin.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:deposit:${id}:u`));
    expect(late.text).toBe('This request is open already: decide it on its card.');
    const approved = await desk.admins.admin.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(approved.text).toBe('Done: approved.');
    await desk.tg.waitForMessage(ama.id, `Your deposit ${reference} of GHS 250.00 is now in your wallet.`);
    expect((await balances(desk.db, ama)).balance_cedis).toBe('250.00');
  });
});

/** /buy for `amount` by mobile money, up to where to pay: the payment message, with its BUY- reference. */
async function buyShown(user: TestUser, amount: string): Promise<{ payment: ChatMessage; reference: string }> {
  await user.send('/buy');
  await desk.tg.waitForMessage(user.id, 'How much USDT do you want to buy?');
  await user.send(amount);
  await user.tap(await desk.tg.waitForMessage(user.id, 'How will you pay?'), '📱 Mobile money');
  const payment = await desk.tg.waitForMessage(user.id, 'by mobile money to:');
  return { payment, reference: referenceIn(payment, 'BUY') };
}

const buyStatus = async (reference: string) =>
  (await desk.db.query<{ status: string; reported: boolean }>('SELECT status, reported_paid_at IS NOT NULL AS reported FROM crypto_transactions WHERE reference = $1', [reference]))[0];

describe('buys at the boundary', () => {
  it('closes a buy nobody reported paying after 24 hours, telling the user its reference; /reopen BUY-… brings it back to be approved', async () => {
    const kwaku = await newUser('Kwaku');
    const { payment, reference } = await buyShown(kwaku, 'GHS 200');
    await kwaku.tap(payment, '⏸ Not now');
    await desk.tg.waitForMessage(kwaku.id, `Your request ${reference} stays open for 24 hours`);
    desk.clock.advance(24 * HOUR - MINUTE);
    await desk.bot.runJob('expire-unpaid-buys');
    expect(await buyStatus(reference)).toEqual({ status: 'pending', reported: false });
    desk.clock.advance(2 * MINUTE);
    await desk.bot.runJob('expire-unpaid-buys');
    expect(await buyStatus(reference)).toEqual({ status: 'declined', reported: false });
    await desk.bot.runJob('deliver-notifications');
    const told = await desk.tg.waitForMessage(kwaku.id, `Your purchase ${reference} of GHS 200.00 was closed: no payment was reported for it within 24 hours.`);
    expect(told.text).toContain(`If you already paid, contact support with the reference ${reference}`);

    await desk.admins.admin.send(`/reopen ${reference} The momo arrived late`, { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Re-opened Buy #`);
    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('Re-opened by Esi Admin');
    await desk.tg.waitForMessage(kwaku.id, `Your purchase ${reference} was re-opened by our team (The momo arrived late).`);
    expect(await buyStatus(reference)).toEqual({ status: 'pending', reported: true });
    await desk.admins.admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    // Recorded at its quote of a day before: GHS 200 at 15.51.
    await desk.tg.waitForMessage(kwaku.id, `Your purchase ${reference} is complete: 12.89490651 USDT is now in your wallet.`);
    expect((await balances(desk.db, kwaku)).balance_crypto).toBe('12.89490651');
  });

  it('re-opens a declined buy from its card with the reason asked by a forced reply, and it is approved as usual', async () => {
    const efua = await newUser('Efua');
    const reference = await pendingBuyInChat(desk.tg, efua, 'GHS 500');
    const card = await cardFor(desk.tg, reference);
    await desk.admins.admin.tap(card, '❌ Decline', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(desk.tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).includes('Payment not received'));
    await desk.admins.admin.tap(card, 'Payment not received', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Declined by Esi Admin');
    await desk.tg.waitForMessage(efua.id, `Your purchase ${reference} was declined.`);

    await desk.admins.admin.tap(card, '↩️ Re-open', { chatId: ADMIN_CHAT_ID });
    const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Type the reason for re-opening Buy #');
    expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await desk.admins.admin.send('It was in the statement after all', { chatId: ADMIN_CHAT_ID, replyTo: question });
    const reopened = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Re-opened by Esi Admin');
    expect(reopened.text).toContain('Waiting for a decision');
    await desk.tg.waitForMessage(efua.id, `Your purchase ${reference} was re-opened by our team (It was in the statement after all).`);
    await desk.admins.admin.tap(reopened, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(efua.id, `Your purchase ${reference} is complete: 32.23726627 USDT is now in your wallet.`);
    expect((await balances(desk.db, efua)).balance_crypto).toBe('32.23726627');
    expect(await desk.db.query("SELECT action FROM admin_audit_log WHERE subject_kind = 'buy' AND subject_id = $1 ORDER BY id", [Number(card.text?.match(/#(\d+)/)?.[1])])).toEqual([
      { action: 'decline' },
      { action: 'reopen' },
      { action: 'approve' },
    ]);
  });

  it('keeps and names the buy when a main-menu button leaves the payment question', async () => {
    const abena = await newUser('Abena');
    const { reference } = await buyShown(abena, 'GHS 150');
    await abena.send('💰 Wallet');
    await desk.tg.waitForMessage(abena.id, '⏹ I closed the question I had asked you');
    const kept = await desk.tg.waitForMessage(abena.id, 'Still open with its reference; if you already paid, do not pay again');
    expect(kept.text).toContain(`Your purchase ${reference}`);
    expect(JSON.stringify(kept.reply_markup)).toContain(`I have paid ${reference}`);
    // The button's own command runs.
    await desk.tg.waitForMessage(abena.id, 'Your wallet');
    expect(await buyStatus(reference)).toEqual({ status: 'pending', reported: false });
    await abena.tap(kept, `✅ I have paid ${reference}`);
    await desk.tg.waitForMessage(abena.id, `Your purchase ${reference} is reported paid`);
    await cardFor(desk.tg, reference);
  });

  it('needs two different admins for a buy worth the second-approval threshold at its quote, one below it', async () => {
    await desk.db.query('UPDATE settings SET second_approval_above_ghs = 400');
    const yaa = await newUser('Yaa');
    const reference = await pendingBuyInChat(desk.tg, yaa, 'GHS 500');
    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('0 of 2: two different admins must approve before the money moves');
    expect((await desk.admins.admin.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID })).text).toBe('Approved: 1 of 2. Another admin must approve it too before the money moves.');
    const half = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Esi Admin');
    expect((await desk.admins.admin.tapAndAwaitAnswer(half, '✅ Approve (1 of 2)', { chatId: ADMIN_CHAT_ID })).text).toBe(
      'You have approved it already. Another admin must approve it too: the same admin counts once.',
    );
    expect((await balances(desk.db, yaa)).balance_crypto).toBe('0.00000000');
    expect((await desk.admins.second.tapAndAwaitAnswer(half, '✅ Approve (1 of 2)', { chatId: ADMIN_CHAT_ID })).text).toBe('Done: approved.');
    await desk.tg.waitForMessage(yaa.id, `Your purchase ${reference} is complete: 32.23726627 USDT is now in your wallet.`);
    expect((await balances(desk.db, yaa)).balance_crypto).toBe('32.23726627');

    const small = await pendingBuyInChat(desk.tg, yaa, 'GHS 300');
    const smallCard = await cardFor(desk.tg, small);
    expect(smallCard.text).not.toContain('of 2');
    expect((await desk.admins.admin.tapAndAwaitAnswer(smallCard, '✅ Approve', { chatId: ADMIN_CHAT_ID })).text).toBe('Done: approved.');
    await desk.tg.waitForMessage(yaa.id, `Your purchase ${small} is complete`);
  });
});

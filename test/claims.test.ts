import { describe, expect, it } from 'vitest';
import { newReference } from '../src/services/common/references.ts';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { balances, cardFor } from './support/flows.ts';
import { PAYOUT } from './support/money.ts';

const KWABENA_ID = 960001;
const ESI_ID = 960002;
const MINUTE = 60_000;

const desk = useDesk({
  admins: { kwabena: { id: KWABENA_ID, first_name: 'Kwabena', last_name: 'Admin' }, esi: { id: ESI_ID, first_name: 'Esi', last_name: 'Boateng' } },
  firstUserId: 9600,
  startFrom: ['UPDATE settings SET min_amount_ghs = 1, max_amount_ghs = 50000, second_approval_above_ghs = 0'],
  updatesPer10s: 500,
});

async function newUser(name: string): Promise<{ user: TestUser; userId: number }> {
  const user = await desk.newUser(name);
  const [row] = await desk.db.query<{ id: string }>('SELECT id FROM users WHERE telegram_id = $1', [user.id]);
  return { user, userId: Number(row?.id) };
}

function created(result: { status: string; id?: number }): number {
  if (result.status !== 'created' || result.id === undefined) throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.id;
}

/** A user with `amount` in the wallet (with its ledger row), asking to withdraw all of it; its card once posted. */
async function withdrawalCard(name: string, amount: string): Promise<{ user: TestUser; userId: number; id: number; reference: string; card: ChatMessage }> {
  const { user, userId } = await newUser(name);
  await desk.db.query('UPDATE wallets SET balance_cedis = $2 WHERE user_id = $1', [userId, amount]);
  await desk.db.query(
    "INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id) SELECT id, 'cedis_available', $2, $2, 'test_seed', 'test', 0 FROM wallets WHERE user_id = $1",
    [userId, amount],
  );
  const reference = newReference('WD');
  const id = created(await desk.bot.services.wallet.createWithdrawal({ userId, amount, payout: PAYOUT, reference }));
  desk.bot.cards.kick();
  return { user, userId, id, reference, card: await cardFor(desk.tg, reference, { timeout: 20_000 }) };
}

/** The card as it stands now (edited in place by the card queue). */
function current(card: ChatMessage): ChatMessage {
  return desk.tg.message(ADMIN_CHAT_ID, card.message_id) ?? card;
}

async function withdrawalRow(id: number) {
  const [row] = await desk.db.query<{ status: string; claimed_by_telegram_id: string | null; payout_reference: string | null }>(
    'SELECT status, claimed_by_telegram_id, payout_reference FROM cash_withdrawals WHERE id = $1',
    [id],
  );
  return row;
}

/** Paid by the admin holding the claim: the forced reply addressed to them, answered with the payout reference. */
async function markPaid(admin: TestUser, card: ChatMessage, id: number, payoutReference: string): Promise<void> {
  const claimed = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, `${admin.first_name} ${admin.last_name ?? ''} is paying this out`);
  const before = Math.max(0, ...desk.tg.messages(ADMIN_CHAT_ID).map((message) => message.message_id));
  await admin.tap(claimed, '✅ Paid', { chatId: ADMIN_CHAT_ID });
  const question = await desk.tg.waitForMessage(
    ADMIN_CHAT_ID,
    (message) =>
      message.message_id > before &&
      (message.text ?? '').includes(`payout of Withdrawal #${id}.`) &&
      message.entities?.some((entity) => entity.type === 'text_mention' && entity.user?.id === admin.id) === true,
  );
  expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
  await admin.send(payoutReference, { chatId: ADMIN_CHAT_ID, replyTo: question });
  await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Withdrawal #${id} is marked paid. The user was sent the payout reference ${payoutReference}.`);
}

describe('a payout is claimed before it is paid', () => {
  it('moves the money exactly once while two admins race claim, Decline and Paid on 10 withdrawals at once', async () => {
    const rounds = await Promise.all(Array.from({ length: 10 }, (_, index) => withdrawalCard(`Payee${index}`, '250')));
    const taps = await Promise.all(
      rounds.map(async ({ id, card }, round) => {
        const admins = round % 2 === 0 ? [desk.admins.kwabena, desk.admins.esi] : [desk.admins.esi, desk.admins.kwabena];
        const data = (verb: string) => `ap:withdrawal:${id}:${verb}`;
        // Both admins at once: I'm paying this, a decline with its reason, and Paid.
        const queries = await Promise.all(
          admins.flatMap((admin) => ['c', 'x0', 'p'].map(async (verb) => ({ admin, verb, query: await admin.tapWithData(ADMIN_CHAT_ID, card.message_id, data(verb)) }))),
        );
        return Promise.all(queries.map(async ({ admin, verb, query }) => ({ admin, verb, answer: (await admin.answerOf(query, { timeout: 20_000 })).text ?? '' })));
      }),
    );
    await desk.tg.settle();

    for (const [round, { id, user, userId, card }] of rounds.entries()) {
      const answers = taps[round] ?? [];
      const claimers = answers.filter(({ verb, answer }) => verb === 'c' && answer.startsWith('You are paying this out')).map(({ admin }) => admin);
      const declined = answers.filter(({ verb, answer }) => verb === 'x0' && answer === 'Done: declined.');
      expect(claimers.length + declined.length, `round ${round}: ${JSON.stringify(answers.map(({ verb, answer }) => [verb, answer]))}`).toBe(1);
      const row = await withdrawalRow(id);
      if (declined.length === 1) {
        expect(row).toMatchObject({ status: 'declined', claimed_by_telegram_id: null });
        expect(await balances(desk.db, user)).toMatchObject({ balance_cedis: '250.00', escrow_balance: '0.00' });
        continue;
      }
      const [holder] = claimers;
      if (!holder) throw new Error('no claimer');
      expect(row?.claimed_by_telegram_id).toBe(String(holder.id));
      for (const { answer } of answers.filter((tap) => tap.verb === 'x0')) expect(answer).toMatch(/is paying this out|You are paying this out: tap ↩️ Release first/);
      if (row?.status === 'pending') await markPaid(holder, card, id, `MP${round}.HOLDER`);
      expect(await withdrawalRow(id)).toMatchObject({ status: 'approved', claimed_by_telegram_id: String(holder.id) });
      expect(await balances(desk.db, user)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
      const entries = await desk.db.query("SELECT reason FROM ledger_entries WHERE reference_kind = 'withdrawal' AND reference_id = $1 AND reason <> 'withdrawal_reserved'", [id]);
      expect(entries).toEqual([{ reason: 'withdrawal_paid' }]);
      const notices = await desk.db.query<{ notification_type: string }>("SELECT notification_type FROM notifications WHERE user_id = $1 AND notification_type LIKE 'WITHDRAWAL_%'", [userId]);
      expect(notices.map((notice) => notice.notification_type)).toEqual(['WITHDRAWAL_PAID']);
    }
  });

  it('reminds a claim left 30 minutes to its holder, and lets another admin take it over only once they confirm', async () => {
    const { user, id, card } = await withdrawalCard('Akua', '2000');
    expect(card.text).toContain("Tap I'm paying this, pay the amount, then tap Paid and type the payout reference");
    expect((await desk.admins.esi.tapAndAwaitAnswer(card, "💸 I'm paying this", { chatId: ADMIN_CHAT_ID })).text).toBe(
      'You are paying this out: pay it, then tap Paid and type the payout reference.',
    );
    const claimed = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Esi Boateng is paying this out');
    expect(claimed.text).toContain('Status: 💸 Being paid out by Esi Boateng');

    // Decline and Paid are refused to anyone else, naming who holds the claim.
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(claimed, '✅ Paid', { chatId: ADMIN_CHAT_ID })).text).toMatch(/^Esi Boateng is paying this out \(claimed at \d\d:\d\d\): only they can tap Paid\.$/);
    const decline = await desk.admins.kwabena.answerOf(await desk.admins.kwabena.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:withdrawal:${id}:x0`));
    expect(decline.text).toMatch(/^Esi Boateng is paying this out \(claimed at \d\d:\d\d\): it cannot be declined while claimed\./);
    expect((await withdrawalRow(id))?.status).toBe('pending');

    desk.clock.advance(29 * MINUTE);
    await desk.bot.runJob('remind-claimed-payouts');
    desk.clock.advance(2 * MINUTE);
    await desk.bot.runJob('remind-claimed-payouts');
    await desk.bot.runJob('remind-claimed-payouts');
    const reminder = await desk.tg.waitForMessage(ADMIN_CHAT_ID, `You have been paying out Withdrawal #${id} for 31 minutes`);
    expect(reminder.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: expect.objectContaining({ id: ESI_ID }) as unknown }));
    await desk.tg.settle();
    expect(desk.tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(`You have been paying out Withdrawal #${id} `))).toHaveLength(1);

    // Take over asks first: the card's buttons become the confirmation, and nothing changes until it is tapped.
    const warning = await desk.admins.kwabena.tapAndAwaitAnswer(claimed, '🔁 Take over', { chatId: ADMIN_CHAT_ID });
    expect(warning).toMatchObject({ show_alert: true });
    expect(warning.text).toContain('Take it over only if you know they have not paid it');
    const confirm = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(current(card).reply_markup).includes('Yes, take it over from Esi Boateng'));
    expect((await withdrawalRow(id))?.claimed_by_telegram_id).toBe(String(ESI_ID));
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(confirm, '⚠️ Yes, take it over from Esi Boateng', { chatId: ADMIN_CHAT_ID })).text).toBe(
      'You are paying this out (taken over from Esi Boateng): pay it, then tap Paid and type the payout reference.',
    );
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Kwabena Admin is paying this out');
    expect((await withdrawalRow(id))?.claimed_by_telegram_id).toBe(String(KWABENA_ID));
    expect((await desk.admins.esi.tapAndAwaitAnswer(current(card), '↩️ Release', { chatId: ADMIN_CHAT_ID })).text).toMatch(/^Kwabena Admin is paying this out .*Only they can release it\.$/);

    // Paid asks the holder for the payout reference: only their reply to the question counts.
    await desk.admins.kwabena.tap(current(card), '✅ Paid', { chatId: ADMIN_CHAT_ID });
    const question = await desk.tg.waitForMessage(ADMIN_CHAT_ID, `payout of Withdrawal #${id}.`);
    expect(question.reply_markup).toMatchObject({ force_reply: true, selective: true });
    await desk.admins.esi.send('ESI-123456', { chatId: ADMIN_CHAT_ID, replyTo: question });
    await desk.admins.kwabena.send('?', { chatId: ADMIN_CHAT_ID, replyTo: question });
    const again = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => message.message_id > question.message_id && (message.text ?? '').includes('Type the MoMo transaction id or the bank reference'));
    await desk.admins.kwabena.send('MP240607.1532.C81234', { chatId: ADMIN_CHAT_ID, replyTo: again });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, `Withdrawal #${id} is marked paid. The user was sent the payout reference MP240607.1532.C81234.`);
    await desk.tg.waitForMessage(user.id, 'Payout reference: MP240607.1532.C81234');
    const paid = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Paid by Kwabena Admin');
    expect(paid.text).toContain('Payout reference: MP240607.1532.C81234');
    expect(await balances(desk.db, user)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
    const audit = await desk.db.query("SELECT action, admin_name, details->>'from' AS taken_from FROM admin_audit_log WHERE subject_kind = 'withdrawal' AND subject_id = $1 ORDER BY id", [id]);
    expect(audit).toEqual([
      { action: 'claim', admin_name: 'Esi Boateng', taken_from: null },
      { action: 'take_over', admin_name: 'Kwabena Admin', taken_from: 'Esi Boateng' },
      { action: 'approve', admin_name: 'Kwabena Admin', taken_from: null },
    ]);
  });
});

describe('a second approval above the threshold', () => {
  it('is set in /settings; above it the same admin twice moves nothing and two different admins move it once; below it one admin is enough', async () => {
    await desk.admins.kwabena.send('/settings', { chatId: ADMIN_CHAT_ID });
    const settings = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Settings');
    expect(settings.text).toContain('Second approval above (GHS): off (0): one admin approves any amount');
    await desk.admins.kwabena.tap(settings, '✏️ Second approval above (GHS)', { chatId: ADMIN_CHAT_ID });
    const prompt = await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Second approval above (GHS) is now');
    await desk.admins.kwabena.send('1,000', { chatId: ADMIN_CHAT_ID, replyTo: prompt });
    await desk.admins.kwabena.tap(await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Change Second approval above (GHS)?'), '✅ Confirm', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ADMIN_CHAT_ID, 'Saved. Second approval above (GHS) is now: GHS 1,000.00 and more');

    const { user, userId } = await newUser('Adwoa');
    const reference = newReference('DEP');
    const big = created(await desk.bot.services.wallet.createDeposit({ userId, amount: '1000', method: 'momo', reference, proof: null }));
    desk.bot.cards.kick();
    const card = await cardFor(desk.tg, reference);
    expect(card.text).toContain('0 of 2: two different admins must approve before the money moves');
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID })).text).toBe('Approved: 1 of 2. Another admin must approve it too before the money moves.');
    const half = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Kwabena Admin');
    expect(half.text).toContain('Status: ⏳ Waiting for a decision');
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(half, '✅ Approve (1 of 2)', { chatId: ADMIN_CHAT_ID })).text).toBe(
      'You have approved it already. Another admin must approve it too: the same admin counts once.',
    );
    await desk.tg.settle();
    expect((await balances(desk.db, user)).balance_cedis).toBe('0.00');

    expect((await desk.admins.esi.tapAndAwaitAnswer(half, '✅ Approve (1 of 2)', { chatId: ADMIN_CHAT_ID })).text).toBe('Done: approved.');
    const done = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Esi Boateng');
    expect(done.text).toContain('2 of 2: Kwabena Admin, Esi Boateng');
    await desk.tg.waitForMessage(user.id, 'GHS 1,000.00 is now in your wallet');
    expect((await balances(desk.db, user)).balance_cedis).toBe('1000.00');
    expect(await desk.db.query("SELECT action, admin_name FROM admin_audit_log WHERE subject_kind = 'deposit' AND subject_id = $1 ORDER BY id", [big])).toEqual([
      { action: 'sign_off', admin_name: 'Kwabena Admin' },
      { action: 'approve', admin_name: 'Esi Boateng' },
    ]);

    const smallReference = newReference('DEP');
    created(await desk.bot.services.wallet.createDeposit({ userId, amount: '999.99', method: 'momo', reference: smallReference, proof: null }));
    desk.bot.cards.kick();
    const small = await cardFor(desk.tg, smallReference);
    expect(small.text).not.toContain('of 2');
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(small, '✅ Approve', { chatId: ADMIN_CHAT_ID })).text).toBe('Done: approved.');
    await desk.tg.waitForMessage(user.id, 'GHS 999.99 is now in your wallet');
  });

  it('has both approvals of a payout before anyone may claim it', async () => {
    const { user, id, card } = await withdrawalCard('Yaw', '500');
    await desk.db.query('UPDATE settings SET second_approval_above_ghs = 500');
    // The card was posted before the threshold was set: shown again, it asks for two approvals.
    await desk.bot.services.approvals.refreshCard('withdrawal', id);
    desk.bot.cards.kick();
    await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '0 of 2');
    const buttons = JSON.stringify(current(card).reply_markup);
    expect(buttons).toContain('Approve payout');
    expect(buttons).not.toContain("I'm paying this");
    const early = await desk.admins.esi.answerOf(await desk.admins.esi.tapWithData(ADMIN_CHAT_ID, card.message_id, `ap:withdrawal:${id}:c`));
    expect(early.text).toBe("It needs a second admin's approval before anyone may pay it out: two different admins must tap Approve payout.");
    expect((await desk.admins.esi.tapAndAwaitAnswer(card, '✅ Approve payout', { chatId: ADMIN_CHAT_ID })).text).toBe(
      'Approved: 1 of 2. Another admin must approve it too before anyone pays it out.',
    );
    const half = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, '1 of 2: Esi Boateng');
    expect((await desk.admins.kwabena.tapAndAwaitAnswer(half, '✅ Approve payout (1 of 2)', { chatId: ADMIN_CHAT_ID })).text).toBe(
      "Approved: 2 of 2. It may be paid out now: tap 💸 I'm paying this before you pay it.",
    );
    const ready = await desk.tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, () => JSON.stringify(current(card).reply_markup).includes("I'm paying this"));
    expect(ready.text).toContain('2 of 2: Esi Boateng, Kwabena Admin');
    expect(await balances(desk.db, user)).toMatchObject({ escrow_balance: '500.00' });
    await desk.admins.kwabena.tapAndAwaitAnswer(ready, "💸 I'm paying this", { chatId: ADMIN_CHAT_ID });
    await markPaid(desk.admins.kwabena, card, id, 'GCB-FT-2291');
    expect(await balances(desk.db, user)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
  });
});

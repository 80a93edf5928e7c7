import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID, FAST_SENDING_LIMITS, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { cardFor, pendingDepositInChat, verifiedUser } from './support/flows.ts';
import { sidewaysPhoto } from './support/images.ts';
import { seedUser } from './support/users.ts';

const ADMIN_IDS = [930001, 930002, 930003];

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot | undefined;
let admins: TestUser[];
let nextUserId = 931000;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query('UPDATE settings SET min_amount_ghs = 50, max_amount_ghs = 50000');
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  tg = await FakeTelegram.start();
  admins = ['Ama', 'Kojo', 'Esi'].map((name, index) => tg.createUser({ id: ADMIN_IDS[index] ?? 0, first_name: name, last_name: 'Admin' }));
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: admins });
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

/** Every editMessageText of one message of the admin chat, taken or not ("message is not modified" counts too). */
function editsOf(card: ChatMessage): number {
  return tg.callsTo('editMessageText').filter((call) => Number(call.params.chat_id) === ADMIN_CHAT_ID && call.params.message_id === card.message_id).length;
}

describe('decisions and their cards', () => {
  it('answers a tap once its decision has committed, saying what happened, and edits a card changed three times in a second once', async () => {
    bot = await startTestBot({ db, tg, adminIds: ADMIN_IDS, sendingLimits: FAST_SENDING_LIMITS });
    nextUserId += 1;
    const owner = await seedUser(db, tg.createUser({ id: nextUserId, first_name: 'Adwoa', last_name: 'Test' }));
    const photo = await sidewaysPhoto();
    const submitted = await bot.services.kyc.submit(
      { userId: owner.id, documentType: 'PASSPORT', documentNumber: 'G1234567', firstName: 'Adwoa', lastName: 'Test', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
      { front: photo, back: null, selfie: photo },
    );
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const kycId = submitted.kyc.id;
    // The service queued the card with the submission; the job (not running in tests) or a kick delivers it.
    await bot.cards.deliverDue();
    const card = await tg.waitForMessage(ADMIN_CHAT_ID, (message) => (message.text ?? '').includes(`KYC verification #${kycId}`) && Boolean(message.reply_markup));
    const [ama, kojo] = admins;
    if (!ama || !kojo) throw new Error('two admins');

    // In one moment: Ama starts the review and approves, and Kojo taps Approve too late. The card's state changes
    // twice and a third refresh is asked for: one edit shows where it ended.
    const taps = [await ama.tap(card, '🔎 Start review', { chatId: ADMIN_CHAT_ID }), await ama.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID })];
    const late = await kojo.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    const [reviewing, approved] = await Promise.all(taps.map((id) => ama.answerOf(id)));
    expect(reviewing?.text).toBe('You are reviewing it now.');
    // Answered once the decision has committed, saying what happened; the card's edit is queued, not made in the tap.
    expect(approved?.text).toBe('Done: approved.');
    expect(await db.query('SELECT status FROM kyc_submissions WHERE id = $1', [kycId])).toEqual([{ status: 'APPROVED' }]);
    expect(editsOf(card)).toBe(0);
    expect((await kojo.answerOf(late)).text).toMatch(/^Already approved by Ama Admin at /);

    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Ama Admin');
    await bot.cards.idle();
    expect(editsOf(card)).toBe(1);
    expect(await db.query('SELECT 1 FROM card_deliveries')).toEqual([]);
    await tg.waitForMessage(owner.telegram_id ?? 0, 'Identity verified');
  });

  it('refreshes a card that a tap finds already decided, including a copy the queue never recorded', async () => {
    bot = await startTestBot({ db, tg, adminIds: ADMIN_IDS, sendingLimits: FAST_SENDING_LIMITS });
    const user = await newUser('Efua');
    const reference = await pendingDepositInChat(tg, user, '300');
    const card = await cardFor(tg, reference);
    // As a process that died between Telegram taking the card and recording it would leave it: nobody knows this copy.
    await db.query('DELETE FROM approval_cards');
    const [ama, kojo] = admins;
    if (!ama || !kojo) throw new Error('two admins');
    const [deposit] = await db.query<{ id: number }>('SELECT id FROM cash_deposits WHERE reference = $1', [reference]);
    const decided = await bot.services.approvals.decide({ kind: 'deposit', id: deposit?.id ?? 0, action: 'approve', from: ama });
    expect(decided.outcome).toBe('applied');
    await bot.cards.deliverDue();
    await bot.cards.idle();
    expect(tg.message(ADMIN_CHAT_ID, card.message_id)?.text).toContain('Waiting for a decision');

    const answer = await kojo.tapAndAwaitAnswer(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    expect(answer.text).toMatch(/^Already approved by Ama Admin at /);
    await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Ama Admin');
    expect(tg.message(ADMIN_CHAT_ID, card.message_id)?.reply_markup).toBeUndefined();

    // A refresh of a card that already shows its state sends nothing: Telegram would refuse the edit ("not
    // modified"), and it would spend a place in the group's minute.
    await bot.cards.idle();
    const editsBefore = editsOf(card);
    await bot.services.approvals.refreshCard('deposit', deposit?.id ?? 0);
    await bot.services.approvals.refreshCard('deposit', deposit?.id ?? 0);
    bot.cards.kick();
    await expect.poll(() => db.query('SELECT 1 FROM card_deliveries'), { timeout: 10_000 }).toEqual([]);
    await bot.cards.idle();
    expect(editsOf(card)).toBe(editsBefore);
  });
});

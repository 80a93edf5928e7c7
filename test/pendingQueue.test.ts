import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newReference } from '../src/services/common/references.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { TestClock, verifiedUser } from './support/flows.ts';
import { sidewaysPhoto } from './support/images.ts';
import { seedUser } from './support/users.ts';

const ADMIN_ID = 940001;
const ADMIN = { id: ADMIN_ID, first_name: 'Abena' };
const MINUTE = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let admin: TestUser;
let photo: Buffer;

beforeAll(async () => {
  db = await createTestDatabase();
  photo = await sidewaysPhoto();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  tg = await FakeTelegram.start();
  clock = new TestClock();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Abena', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], clock: clock.now });
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
});

async function pendingKyc(telegramId: number, firstName: string): Promise<number> {
  const user = await seedUser(db, tg.createUser({ id: telegramId, first_name: firstName, last_name: 'Test' }));
  const result = await bot.services.kyc.submit(
    { userId: user.id, documentType: 'PASSPORT', documentNumber: 'G1234567', firstName, lastName: 'Test', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
    { front: photo, back: null, selfie: photo },
  );
  if (result.status !== 'submitted') throw new Error(result.status);
  return result.kyc.id;
}

/** `count` deposits of GHS 100, 101, … by one verified user, a minute apart on the clock; their ids. */
async function pendingDeposits(telegramId: number, count: number): Promise<number[]> {
  const user = await verifiedUser(db, tg, telegramId, 'Kwame');
  const [row] = await db.query<{ id: number }>('SELECT id::int FROM users WHERE telegram_id = $1', [user.id]);
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    clock.advance(MINUTE);
    const created = await bot.services.wallet.createDeposit({ userId: row?.id ?? 0, amount: `${100 + index}.00`, method: 'momo', reference: newReference('DEP'), proof: null });
    if (created.status !== 'created') throw new Error(created.status);
    ids.push(created.id);
  }
  return ids;
}

const buttonsOf = (message: ChatMessage) =>
  message.reply_markup && 'inline_keyboard' in message.reply_markup ? message.reply_markup.inline_keyboard.flat().map((button) => button.text) : [];

describe('the waiting queue', () => {
  it('/pending counts every waiting request by kind and lists the oldest 20; a reminder names them the same way, once', async () => {
    const kyc = [await pendingKyc(7001, 'Adjoa'), await pendingKyc(7002, 'Baaba')];
    const deposits = await pendingDeposits(7003, 21);

    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    const list = await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests');
    const text = list.text ?? '';
    expect(text).toContain('Waiting requests (23, oldest first): KYC verification 2, Deposit 21');
    expect(text).toContain(`1. KYC #${kyc[0]}: Adjoa Test, Passport`);
    expect(text).toContain(`2. KYC #${kyc[1]}: Baaba Test, Passport`);
    expect(text).toContain(`3. Deposit #${deposits[0]}: GHS 100.00 by momo`);
    expect(text).toContain(`20. Deposit #${deposits[17]}: GHS 117.00 by momo`);
    for (const later of deposits.slice(18)) expect(text).not.toContain(`Deposit #${later}:`);
    expect(text).toContain('…and 3 more; decide these first.');
    expect(buttonsOf(list)).toHaveLength(20);
    expect(buttonsOf(list).at(-1)).toBe(`20. Show #${deposits[17]}`);

    const decided = await bot.services.approvals.decide({ kind: 'deposit', id: deposits[0] ?? 0, action: 'approve', from: ADMIN });
    expect(decided.outcome).toBe('applied');
    await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
    const after = await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests (22');
    expect(after.text).toContain('Waiting requests (22, oldest first): KYC verification 2, Deposit 20');
    expect(after.text).not.toContain(`Deposit #${deposits[0]}:`);
    expect(after.text).toContain(`20. Deposit #${deposits[18]}: GHS 118.00 by momo`);
    expect(after.text).toContain('…and 2 more; decide these first.');

    // Every request is now over 30 minutes old: one reminder lists the oldest 20 and counts the rest, all of them reminded.
    clock.advance(40 * MINUTE);
    await bot.runJob('remind-pending-requests');
    const reminder = await tg.waitForMessage(ADMIN_CHAT_ID, '22 requests have been waiting over 30 minutes');
    expect(reminder.text).toContain(`1. KYC #${kyc[0]}: Adjoa Test, Passport · waiting`);
    expect(reminder.text).toContain(`20. Deposit #${deposits[18]}: GHS 118.00 by momo · waiting`);
    expect(reminder.text).toContain('…and 2 more; decide these first.');
    expect(buttonsOf(reminder)).toHaveLength(20);
    await bot.runJob('remind-pending-requests');
    await tg.settle();
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes('waiting over 30 minutes'))).toHaveLength(1);
  });

  it('reads the facts of the requests asked for, in their order, and leaves out one decided meanwhile', async () => {
    const ids = await pendingDeposits(7004, 3);
    const waiting = await bot.services.approvals.listWaiting();
    expect(waiting.map((request) => request.submittedAt.getTime())).toEqual(waiting.map((request) => request.submittedAt.getTime()).sort((a, b) => a - b));
    const [first, second, third] = ids.map((id) => waiting.find((request) => request.kind === 'deposit' && request.id === id));
    if (!first || !second || !third) throw new Error('the three deposits should be waiting');
    const decided = await bot.services.approvals.decide({ kind: 'deposit', id: second.id, action: 'decline', from: ADMIN, reason: 'Not received' });
    expect(decided.outcome).toBe('applied');
    const facts = await bot.services.approvals.withFacts([third, second, first]);
    expect(facts.map((request) => [request.kind, request.id, (request.details as { amount: string }).amount])).toEqual([
      ['deposit', third.id, '102.00'],
      ['deposit', first.id, '100.00'],
    ]);
  });
});

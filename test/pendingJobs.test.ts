import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remindPendingRequests } from '../src/jobs/remindPendingRequests.ts';
import { createPendingReminders } from '../src/services/approvals/reminders.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { cardFor, expectLedgerMatchesWallets, pendingBuyInChat, pendingDepositInChat, setPrice, TestClock, verifiedUser } from './support/flows.ts';

const ADMIN_ID = 930001;
const MINUTE = 60_000;
const REMINDER = 'waiting over 30 minutes';

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot;
let clock: TestClock;
let admin: TestUser;
let nextUserId = 6000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM approval_cards');
  await db.query('DELETE FROM card_deliveries');
  await db.query('DELETE FROM approval_reminders');
  // Each test starts with nothing waiting, and a price set by hand that never goes stale while the clock moves.
  await db.query("UPDATE crypto_transactions SET status = 'declined', decided_at = now() WHERE status = 'pending'");
  await db.query("UPDATE cash_deposits SET status = 'declined', decided_at = now() WHERE status = 'pending'");
  await db.query("UPDATE settings SET live_rate_source = 'manual'");
  tg = await FakeTelegram.start();
  clock = new TestClock();
  admin = tg.createUser({ id: ADMIN_ID, first_name: 'Yaa', last_name: 'Admin' });
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
  bot = await startTestBot({ db, tg, adminIds: [ADMIN_ID], clock: clock.now, rateLimit: { updates: 200, perMilliseconds: 10_000 } });
  await setPrice(bot, '15.20', ADMIN_ID);
});
afterEach(async () => {
  await bot.stop();
  await tg.stop();
  expect(tg.rejectedCalls.filter((call) => !call.superseded && !call.injected).map((call) => [call.method, call.error?.description])).toEqual([]);
  await expectLedgerMatchesWallets(db);
});

function newUser(name: string): Promise<TestUser> {
  nextUserId += 1;
  return verifiedUser(db, tg, nextUserId, name);
}

const pendingBuy = (user: TestUser) => pendingBuyInChat(tg, user, 'GHS 500');
const pendingDeposit = (user: TestUser, amount: string) => pendingDepositInChat(tg, user, amount);

const reminders = () => tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(REMINDER));

/** Moves the clock to `minutes` after `start`, runs the reminder job, and returns the reminder it sent, if any. */
async function remindAt(start: number, minutes: number): Promise<ChatMessage | undefined> {
  clock.advance(start + minutes * MINUTE - clock.now().getTime());
  const before = reminders().length;
  await bot.runJob('remind-pending-requests');
  const sent = reminders();
  expect(sent.length - before).toBeLessThanOrEqual(1);
  return sent.length > before ? sent.at(-1) : undefined;
}

describe('reminders of waiting requests', () => {
  it('lists each request waiting over 30 minutes in one message, at most once an hour per request, until it is decided', async () => {
    const start = clock.now().getTime();
    const kofi = await newUser('Kofi');
    const ama = await newUser('Ama');
    const buy = await pendingBuy(kofi);
    clock.advance(20 * MINUTE);
    const deposit = await pendingDeposit(ama, '250');
    const [{ id: buyId } = { id: 0 }] = await db.query<{ id: number }>('SELECT id FROM crypto_transactions WHERE reference = $1', [buy]);
    const [{ id: depositId } = { id: 0 }] = await db.query<{ id: number }>('SELECT id FROM cash_deposits WHERE reference = $1', [deposit]);

    expect(await remindAt(start, 29)).toBeUndefined();
    const first = await remindAt(start, 31);
    expect(first?.text).toContain('A request has been waiting over 30 minutes');
    expect(first?.text).toContain(`1. Buy #${buyId}: GHS 500.00 → 32.23726627 USDT · waiting 31 minutes`);
    expect(first?.text).not.toContain('Deposit');

    expect(await remindAt(start, 41)).toBeUndefined(); // the buy was brought up 10 minutes ago, the deposit waits 21
    const second = await remindAt(start, 51);
    expect(second?.text).toContain(`1. Deposit #${depositId}`);
    expect(second?.text).not.toContain('Buy #');

    // The reminder's button posts the card again, to decide from.
    tg.markRead(ADMIN_CHAT_ID);
    await admin.tap(second as ChatMessage, `1. Show #${depositId}`, { chatId: ADMIN_CHAT_ID });
    const card = await tg.waitForMessage(ADMIN_CHAT_ID, (message) => message.text?.startsWith(`Deposit #${depositId}`) === true && Boolean(message.reply_markup));

    expect(await remindAt(start, 90)).toBeUndefined(); // 59 minutes since the buy's reminder
    const third = await remindAt(start, 91);
    expect(third?.text).toContain(`Buy #${buyId}`);
    expect(third?.text).toContain('waiting 1 hour');
    expect(third?.text).not.toContain('Deposit');

    await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await tg.waitForMessage(ama.id, 'is now in your wallet');
    expect(await remindAt(start, 111)).toBeUndefined(); // the deposit was decided
    const fourth = await remindAt(start, 151);
    expect(fourth?.text).toContain(`Buy #${buyId}`);
    expect(reminders()).toHaveLength(4);
  });

  it('reminds once when two instances run at the same moment, and again on the next run when the message could not be sent', async () => {
    const start = clock.now().getTime();
    await cardFor(tg, await pendingBuy(await newUser('Esi')));
    clock.advance(35 * MINUTE);
    const deps = (instance: TestBot) => ({
      approvals: instance.services.approvals,
      reminders: createPendingReminders(instance.services),
      cards: { view: () => undefined },
      api: new Api(tg.token, { apiRoot: tg.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    const results = await Promise.all([remindPendingRequests(deps(bot), clock.now()), remindPendingRequests(deps(bot), clock.now())]);
    expect(results.map((result) => result.reminded).sort()).toEqual([0, 1]);
    expect(reminders()).toHaveLength(1);

    tg.failNext('sendMessage', { error_code: 400, description: 'Bad Request: not enough rights to send text messages to the chat' }, { chatId: ADMIN_CHAT_ID });
    await expect(remindAt(start, 100)).rejects.toThrow(/not enough rights/);
    expect(await remindAt(start, 110)).toBeDefined();
  });
});

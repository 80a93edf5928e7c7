import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { remindPendingRequests } from '../src/jobs/remindPendingRequests.ts';
import { createPendingReminders } from '../src/services/approvals/reminders.ts';
import { ADMIN_CHAT_ID, type TestBot } from './support/bot.ts';
import { NOTHING_WAITING_MANUAL_PRICE, useDesk } from './support/desk.ts';
import type { ChatMessage, TestUser } from './support/fakeTelegram/index.ts';
import { cardFor, pendingBuyInChat, pendingDepositInChat } from './support/flows.ts';

const ADMIN_ID = 930001;
const MINUTE = 60_000;
const REMINDER = 'waiting over 30 minutes';

const desk = useDesk({
  admins: { admin: { id: ADMIN_ID, first_name: 'Yaa', last_name: 'Admin' } },
  firstUserId: 6000,
  startFrom: [...NOTHING_WAITING_MANUAL_PRICE],
  price: '15.20',
});
const newUser = (name: string) => desk.newUser(name);

const pendingBuy = (user: TestUser) => pendingBuyInChat(desk.tg, user, 'GHS 500');
const pendingDeposit = (user: TestUser, amount: string) => pendingDepositInChat(desk.tg, user, amount);

const reminders = () => desk.tg.messages(ADMIN_CHAT_ID).filter((message) => message.text?.includes(REMINDER));

/** Moves the clock to `minutes` after `start`, runs the reminder job, and returns the reminder it sent, if any. */
async function remindAt(start: number, minutes: number): Promise<ChatMessage | undefined> {
  desk.clock.advance(start + minutes * MINUTE - desk.clock.now().getTime());
  const before = reminders().length;
  await desk.bot.runJob('remind-pending-requests');
  const sent = reminders();
  expect(sent.length - before).toBeLessThanOrEqual(1);
  return sent.length > before ? sent.at(-1) : undefined;
}

describe('reminders of waiting requests', () => {
  it('lists each request waiting over 30 minutes in one message, at most once an hour per request, until it is decided', async () => {
    const start = desk.clock.now().getTime();
    const kofi = await newUser('Kofi');
    const ama = await newUser('Ama');
    const buy = await pendingBuy(kofi);
    desk.clock.advance(20 * MINUTE);
    const deposit = await pendingDeposit(ama, '250');
    const [{ id: buyId } = { id: 0 }] = await desk.db.query<{ id: number }>('SELECT id FROM crypto_transactions WHERE reference = $1', [buy]);
    const [{ id: depositId } = { id: 0 }] = await desk.db.query<{ id: number }>('SELECT id FROM cash_deposits WHERE reference = $1', [deposit]);

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
    desk.tg.markRead(ADMIN_CHAT_ID);
    await desk.admins.admin.tap(second as ChatMessage, `1. Show #${depositId}`, { chatId: ADMIN_CHAT_ID });
    const card = await desk.tg.waitForMessage(ADMIN_CHAT_ID, (message) => message.text?.startsWith(`Deposit #${depositId}`) === true && Boolean(message.reply_markup));

    expect(await remindAt(start, 90)).toBeUndefined(); // 59 minutes since the buy's reminder
    const third = await remindAt(start, 91);
    expect(third?.text).toContain(`Buy #${buyId}`);
    expect(third?.text).toContain('waiting 1 hour');
    expect(third?.text).not.toContain('Deposit');

    await desk.admins.admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
    await desk.tg.waitForMessage(ama.id, 'is now in your wallet');
    expect(await remindAt(start, 111)).toBeUndefined(); // the deposit was decided
    const fourth = await remindAt(start, 151);
    expect(fourth?.text).toContain(`Buy #${buyId}`);
    expect(reminders()).toHaveLength(4);
  });

  it('reminds once when two instances run at the same moment, and again on the next run when the message could not be sent', async () => {
    const start = desk.clock.now().getTime();
    await cardFor(desk.tg, await pendingBuy(await newUser('Esi')));
    desk.clock.advance(35 * MINUTE);
    const deps = (instance: TestBot) => ({
      approvals: instance.services.approvals,
      reminders: createPendingReminders(instance.services),
      cards: { view: () => undefined },
      api: new Api(desk.tg.token, { apiRoot: desk.tg.apiRoot }),
      adminChatId: ADMIN_CHAT_ID,
    });
    const results = await Promise.all([remindPendingRequests(deps(desk.bot), desk.clock.now()), remindPendingRequests(deps(desk.bot), desk.clock.now())]);
    expect(results.map((result) => result.reminded).sort()).toEqual([0, 1]);
    expect(reminders()).toHaveLength(1);

    desk.tg.failNext('sendMessage', { error_code: 400, description: 'Bad Request: not enough rights to send text messages to the chat' }, { chatId: ADMIN_CHAT_ID });
    await expect(remindAt(start, 100)).rejects.toThrow(/not enough rights/);
    expect(await remindAt(start, 110)).toBeDefined();
  });
});

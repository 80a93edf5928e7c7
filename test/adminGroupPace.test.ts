import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SENDING_LIMITS } from '../src/telegram/apiPlugins.ts';
import { ADMIN_CHAT_ID, startTestBot, type TestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type ChatMessage, type TestUser } from './support/fakeTelegram/index.ts';
import { verifiedUser } from './support/flows.ts';

/**
 * The admin group at Telegram's pace, through the bot and a fake that enforces Telegram's limits (20 messages a
 * minute in a group, everything counted): admins' answers go first, cards take what is left, and nobody waits for
 * the group.
 */
const ADMIN_IDS = [935001, 935002];
const MINUTE_MS = 60_000;

let db: TestDatabase;
let tg: FakeTelegram;
let bot: TestBot | undefined;
let admins: TestUser[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query('UPDATE settings SET min_amount_ghs = 50, max_amount_ghs = 50000');
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await tg.stop();
  // Telegram's limits held on the bot's side: nothing refused, not even a 429.
  expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.params.chat_id, call.error?.description])).toEqual([]);
});
afterAll(async () => {
  await db.drop();
});

/** A fake with Telegram's limits, the group's minute `minuteMs` long, and the admins in its group. */
async function startTelegram(minuteMs: number): Promise<void> {
  tg = await FakeTelegram.start({ rateLimits: { ...TELEGRAM_RATE_LIMITS, groupWindowMs: minuteMs } });
  admins = ['Ama', 'Kojo'].map((name, index) => tg.createUser({ id: ADMIN_IDS[index] ?? 0, first_name: name, last_name: 'Admin' }));
  tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: admins });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Every call that reached the group, when it arrived. */
const groupArrivals = () => tg.calls.filter((call) => call.ok && Number(call.params.chat_id) === ADMIN_CHAT_ID).map((call) => call.time);

function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  return Math.max(0, ...times.map((at) => times.filter((other) => other >= at && other < at + windowMs).length));
}

describe('cards in the admin group', () => {
  /**
   * The burst, with time scaled down ten times on both sides (the group's minute is 6 s, a chat's second
   * between bulk calls 100 ms): 100 requests in a minute reach the group in order, each card within 10 minutes, and
   * no user waits for the group meanwhile.
   */
  it('takes 100 requests in a minute at once, posts their cards in order within 10 minutes each, and answers an admin in the group at once', async () => {
    const scale = 10;
    const minuteMs = MINUTE_MS / scale;
    const requests = 100;
    await startTelegram(minuteMs);
    bot = await startTestBot({
      db,
      tg,
      adminIds: ADMIN_IDS,
      sendingLimits: { ...TELEGRAM_SENDING_LIMITS, groupWindowMs: minuteMs, chatIntervalMs: TELEGRAM_SENDING_LIMITS.chatIntervalMs / scale },
      rateLimit: { updates: 200, perMilliseconds: 10_000 },
    });
    const users = await Promise.all(Array.from({ length: requests }, (_, index) => verifiedUser(db, tg, 936_000 + index, `Payer${index}`)));
    // Everyone gets as far as the payment details, fifty at a time (this part is not what is measured).
    const setup = { timeout: 30_000 };
    const payments: ChatMessage[] = [];
    for (let first = 0; first < requests; first += 50) {
      const batch = users.slice(first, first + 50).map(async (user) => {
        await user.send('/deposit');
        await user.tap(await tg.waitForMessage(user.id, 'How will you send the cedis?', setup), '📱 Mobile money');
        await tg.waitForMessage(user.id, 'How much will you deposit?', setup);
        await user.send('100');
        return tg.waitForMessage(user.id, 'Pay exactly', setup);
      });
      payments.push(...(await Promise.all(batch)));
    }
    const references = payments.map((payment) => /DEP-[0-9A-Z]{8}/.exec(payment.text ?? '')?.[0] ?? '');

    // Then each says "I have paid" and asks for their wallet once answered: 100 within the (scaled) minute, by 20
    // people at once, each of them after the one before them in their line was answered.
    const lines = 20;
    const submittedAt: number[] = [];
    const answeredAt: number[] = [];
    const waits: number[] = [];
    const journey = async (index: number) => {
      const user = users[index];
      const payment = payments[index];
      if (!user || !payment) throw new Error('no payment details');
      submittedAt[index] = Date.now();
      await user.tap(payment, '✅ I have paid');
      await tg.waitForMessage(user.id, 'is waiting for our team to see the payment', setup);
      answeredAt[index] = Date.now();
      waits.push(Date.now() - (submittedAt[index] ?? 0));
      const asked = Date.now();
      await user.send('/wallet');
      await tg.waitForMessage(user.id, 'Your wallet', setup);
      waits.push(Date.now() - asked);
    };
    const lineOf = (line: number) => Array.from({ length: requests / lines }, (_, step) => step * lines + line);
    const journeys = Array.from({ length: lines }, async (_, line) => {
      for (const index of lineOf(line)) await journey(index);
    });
    // While the cards queue up, an admin asks for the list in the group: answered at once, ahead of the cards.
    await sleep(minuteMs);
    const asked = Date.now();
    await admins[0]?.send('/pending', { chatId: ADMIN_CHAT_ID });
    await until(() => tg.messages(ADMIN_CHAT_ID).some((message) => (message.text ?? '').includes('Waiting requests')), 'the list', setup.timeout);
    const adminWait = Date.now() - asked;
    await Promise.all(journeys);
    const burstMs = (submittedAt.at(-1) ?? 0) - (submittedAt[0] ?? 0);
    expect(burstMs).toBeLessThan(minuteMs);
    // No user waited for the group: each was answered while cards were still queued (see below), most at once on a
    // loaded machine; the admin asking in the group, ahead of the cards.
    expect(waits.toSorted((a, b) => a - b)[Math.floor(waits.length / 2)]).toBeLessThan(2000);
    expect(Math.max(...waits)).toBeLessThan(5000);
    expect(adminWait).toBeLessThan(2000);
    expect(await db.query('SELECT 1 FROM card_deliveries')).not.toHaveLength(0);

    const cardOf = (reference: string) => tg.messages(ADMIN_CHAT_ID).find((message) => (message.text ?? '').includes(reference) && Boolean(message.reply_markup));
    await until(() => references.every(cardOf), 'every card', 10 * minuteMs + 5000);
    const cards = references.map((reference) => cardOf(reference) as ChatMessage);
    // In the order the requests were made (within each line, where one came after another), each once.
    for (let line = 0; line < lines; line += 1) {
      const ids = lineOf(line).map((index) => cards[index]?.message_id ?? 0);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes('DEP-') && message.reply_markup)).toHaveLength(requests);
    // Never over the group's 20 in any minute, cards never over 17 (3 stay for answers); each card within 10 minutes.
    expect(mostInAnyWindow(groupArrivals(), minuteMs)).toBeLessThanOrEqual(TELEGRAM_RATE_LIMITS.groupPerWindow);
    const cardTimes = cards.map((card) => tg.callsTo('sendMessage').find((call) => call.ok && Number(call.params.chat_id) === ADMIN_CHAT_ID && (call.result as { message_id?: number }).message_id === card.message_id)?.time ?? Infinity);
    const cardsPerMinute = TELEGRAM_SENDING_LIMITS.groupMessagesPerMinute - TELEGRAM_SENDING_LIMITS.groupPlacesForAnswers;
    expect(mostInAnyWindow(cardTimes, minuteMs - 100)).toBeLessThanOrEqual(cardsPerMinute);
    for (const [index, postedAt] of cardTimes.entries()) expect(postedAt - (submittedAt[index] ?? 0)).toBeLessThan(10 * minuteMs);
    // The users whose cards needed a later minute had their answer long before.
    for (const [index, postedAt] of cardTimes.entries()) if (index >= cardsPerMinute) expect(answeredAt[index] ?? Infinity).toBeLessThan(postedAt);
  }, 110_000);
});

describe('a conversation in the admin group', () => {
  /**
   * The conversations plugin replays a conversation's earlier calls on every update; paced above its recorder, every
   * replayed call waited for a place in the group's minute and used one up again (an admin's tap took 31 s).
   */
  it('answers ten taps and replies in a minute each within 2 s: calls replayed by the conversation neither wait nor count', async () => {
    await startTelegram(MINUTE_MS);
    bot = await startTestBot({ db, tg, adminIds: ADMIN_IDS, sendingLimits: TELEGRAM_SENDING_LIMITS });
    const [admin] = admins;
    if (!admin) throw new Error('no admin');
    const inGroup = { chatId: ADMIN_CHAT_ID };
    const waits: number[] = [];
    const answered = async (act: () => Promise<unknown>, expected: string): Promise<ChatMessage> => {
      const started = Date.now();
      await act();
      const message = await tg.waitForMessage(ADMIN_CHAT_ID, expected, { timeout: 30_000 });
      waits.push(Date.now() - started);
      return message;
    };
    const reply = (prompt: ChatMessage, text: string) => () => admin.send(text, { ...inGroup, replyTo: prompt.message_id });

    await admin.send('/catalogue', inGroup);
    const list = await tg.waitForMessage(ADMIN_CHAT_ID, 'Gift card catalogue');
    const started = Date.now();
    let prompt = await answered(() => admin.tap(list, '➕ Add a card', inGroup), 'Type the name of the new card');
    prompt = await answered(reply(prompt, 'Apple Gift Card (UK)'), 'Type its brand');
    const currency = await answered(reply(prompt, 'Apple'), 'Which currency is the face value');
    prompt = await answered(() => admin.tap(currency, 'GBP', inGroup), 'Type the buying rate');
    prompt = await answered(reply(prompt, 'fourteen'), 'Type the buying rate in cedis per 1 GBP as a number');
    prompt = await answered(reply(prompt, 'a lot'), 'Type the buying rate in cedis per 1 GBP as a number');
    prompt = await answered(reply(prompt, '14.20'), 'Type the selling rate');
    const picture = await answered(reply(prompt, '15.10'), 'Should Apple Gift Card (UK) have a picture');
    const summary = await answered(() => admin.tap(picture, '⏭ No picture', inGroup), 'Add this card?');
    await answered(() => admin.tap(summary, '💤 Add, inactive', inGroup), '✅ Added.');

    expect(Date.now() - started).toBeLessThan(MINUTE_MS);
    expect(waits).toHaveLength(10);
    for (const wait of waits) expect(wait).toBeLessThan(2000);
    expect(await db.query("SELECT rate_buy, rate_sell, is_active FROM gift_cards WHERE name = 'Apple Gift Card (UK)'")).toEqual([
      { rate_buy: '14.20', rate_sell: '15.10', is_active: false },
    ]);
    // Telegram got each message once: replays sent nothing.
    expect(mostInAnyWindow(groupArrivals(), MINUTE_MS)).toBeLessThanOrEqual(TELEGRAM_RATE_LIMITS.groupPerWindow);
    expect(tg.messages(ADMIN_CHAT_ID).filter((message) => (message.text ?? '').includes('Type the buying rate'))).toHaveLength(3);
  }, 90_000);
});


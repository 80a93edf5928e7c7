import type { RawApi, Transformer } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendingPace, type PaceLimits } from '../src/telegram/sendingPace.ts';

type Prev = Parameters<Transformer<RawApi>>[0];

/** A network whose calls each take `answerMs` (or fail when the payload says so), recording when each started. */
function network(answerMs: number) {
  const starts: { at: number; chatId: unknown; method: string; text: unknown }[] = [];
  let unanswered = 0;
  let mostUnanswered = 0;
  const prev = ((method: string, payload: Record<string, unknown> | undefined) => {
    starts.push({ at: Date.now(), chatId: payload?.chat_id, method, text: payload?.text });
    unanswered += 1;
    mostUnanswered = Math.max(mostUnanswered, unanswered);
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        unanswered -= 1;
        if (payload?.fail) reject(new Error('refused'));
        else resolve({ ok: true, result: true });
      }, answerMs),
    );
  }) as unknown as Prev;
  return { prev, starts, mostUnanswered: () => mostUnanswered };
}

const LIMITS: PaceLimits = { messagesPerSecond: 10, inFlight: 100, groupMessagesPerMinute: 1000, groupWindowMs: 60_000, groupPlacesForAnswers: 3, chatCallsPerSecond: 1000 };

type Call = (method: string, payload: Record<string, unknown>) => Promise<unknown>;

/** Both lanes over one network; `call` is the bulk lane, `answer` the answers lane. */
function paced(limits: Partial<PaceLimits>, answerMs = 10) {
  const net = network(answerMs);
  const pace = sendingPace({ ...LIMITS, ...limits });
  const through = (lane: Transformer<RawApi>): Call => (method, payload) =>
    (lane as unknown as (prev: Prev, method: string, payload: Record<string, unknown>) => Promise<unknown>)(net.prev, method, payload);
  return { ...net, call: through(pace.bulk), answer: through(pace.answers) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the bulk lane', () => {
  it('starts calls in their order, evenly spaced at the rate, however many are waiting', async () => {
    const { call, starts } = paced({ messagesPerSecond: 5 });
    const sent = Array.from({ length: 11 }, (_, index) => call('sendMessage', { chat_id: 1000 + index, text: 'hi' }));
    await vi.advanceTimersByTimeAsync(2100);
    await Promise.all(sent);
    expect(starts.map((start) => start.chatId)).toEqual(Array.from({ length: 11 }, (_, index) => 1000 + index));
    const gaps = starts.slice(1).map((start, index) => start.at - (starts[index]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    expect(starts.at(-1)?.at).toBe(2000);
  });

  it('never has more calls unanswered than allowed, even when the rate would allow more', async () => {
    const { call, starts, mostUnanswered } = paced({ messagesPerSecond: 1000, inFlight: 2 }, 500);
    const sent = Array.from({ length: 6 }, (_, index) => call('sendMessage', { chat_id: index + 1, text: 'hi' }));
    await vi.advanceTimersByTimeAsync(1600);
    await Promise.all(sent);
    expect(mostUnanswered()).toBe(2);
    expect(starts.map((start) => start.at)).toEqual([0, 1, 500, 501, 1000, 1001]);
  });

  it("lets bulk calls take a group's allowance less the places kept for answers in any window, the rest after the first ones' window", async () => {
    const { call, answer, starts } = paced({ messagesPerSecond: 1000, groupMessagesPerMinute: 20 });
    const first = Array.from({ length: 15 }, () => call('sendMessage', { chat_id: -100123, text: 'card' }));
    await vi.advanceTimersByTimeAsync(30_000);
    const second = Array.from({ length: 15 }, () => call('sendMessage', { chat_id: -100123, text: 'card' }));
    // A private chat meanwhile is not held up by the group's minute.
    const reply = call('sendMessage', { chat_id: 42, text: 'reply' });
    await vi.advanceTimersByTimeAsync(100);
    await reply;
    expect(starts.filter((start) => start.chatId === 42)).toHaveLength(1);
    // The places kept for answers are there for an admin's answer at once.
    const answers = Array.from({ length: 3 }, () => answer('sendMessage', { chat_id: -100123, text: 'ack' }));
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all(answers);
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all([...first, ...second]);
    const groupStarts = starts.filter((start) => start.chatId === -100123);
    expect(groupStarts).toHaveLength(33);
    const times = groupStarts.map((start) => start.at);
    for (const [index, at] of times.entries()) {
      expect(times.filter((other) => other >= at && other < at + 60_000).length, `window from call ${index}`).toBeLessThanOrEqual(20);
    }
    const cards = groupStarts.filter((start) => start.text === 'card').map((start) => start.at);
    // The 16th and 17th card went at once at 30 s, the answers right after; the 18th once the first card's minute was over.
    expect(cards[16]).toBeLessThan(30_100);
    expect(times.slice(17, 20).every((at) => at >= 30_100 && at < 30_200)).toBe(true);
    expect(times[20]).toBeGreaterThanOrEqual(60_000);
  });

  it("holds a group call's place until it is answered and a window after, as Telegram counts it on arrival", async () => {
    // A 2-second round trip: Telegram may count the first call up to 2 s after it started.
    const { answer, starts } = paced({ groupMessagesPerMinute: 2, groupWindowMs: 1000 }, 2000);
    const sent = Array.from({ length: 3 }, (_, index) => answer('sendMessage', { chat_id: -100555, text: `ack ${index}` }));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(sent);
    const times = starts.map((start) => start.at);
    expect(times.slice(0, 2)).toEqual([0, 0]);
    // Not at 1 s (a window after the first start, while Telegram may still count it) but a window after its answer.
    expect(times[2]).toBe(3000);
  });

  it('passes calls addressed to no chat at once, whatever waits', async () => {
    const { call, starts } = paced({ messagesPerSecond: 1 });
    const waiting = Array.from({ length: 5 }, (_, index) => call('sendMessage', { chat_id: index + 1, text: 'hi' }));
    const answer = call('answerCallbackQuery', { callback_query_id: 'q1' });
    await vi.advanceTimersByTimeAsync(10);
    await answer;
    // Answered while four messages still wait for their second.
    expect(starts.map((start) => start.method).toSorted()).toEqual(['answerCallbackQuery', 'sendMessage']);
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(waiting);
  });

  it('hands on the place of a call that failed, and reports its failure', async () => {
    const { call, starts } = paced({ messagesPerSecond: 1000, inFlight: 1 });
    const failed = call('sendMessage', { chat_id: 1, text: 'hi', fail: true });
    const next = call('sendMessage', { chat_id: 2, text: 'hi' });
    const failure = expect(failed).rejects.toThrow('refused');
    await vi.advanceTimersByTimeAsync(100);
    await failure;
    await next;
    expect(starts.map((start) => start.chatId)).toEqual([1, 2]);
  });
});

describe('the lanes together', () => {
  it('keeps the full rate on a slow network: at a 150 ms round trip, 28 a second with 6 in flight', async () => {
    const { call, starts, mostUnanswered } = paced({ messagesPerSecond: 28, inFlight: 6 }, 150);
    const sent = Array.from({ length: 280 }, (_, index) => call('sendMessage', { chat_id: 1000 + index, text: 'notice' }));
    await vi.advanceTimersByTimeAsync(10_200);
    await Promise.all(sent);
    expect(mostUnanswered()).toBeLessThanOrEqual(6);
    // 280 calls at 28 a second: the last starts about 10 s in, not later because calls were waiting for answers.
    expect(starts.at(-1)?.at).toBeLessThanOrEqual(10_100);
    // Never more than 28 in any second, though a start that waited for an answer catches up on the grid.
    for (const [index, start] of starts.entries()) {
      expect(starts.filter((other) => other.at >= start.at && other.at < start.at + 1000).length, `second from call ${index}`).toBeLessThanOrEqual(28);
    }
  });

  it('sends answers at once, however many, while bulk calls wait for their turn', async () => {
    const { call, answer, starts } = paced({ messagesPerSecond: 28, inFlight: 6 }, 150);
    const bulk = Array.from({ length: 100 }, (_, index) => call('sendMessage', { chat_id: 5000 + index, text: 'notice' }));
    const answers = Array.from({ length: 1000 }, (_, index) => answer('sendMessage', { chat_id: 1 + index, text: 'reply' }));
    answers.push(answer('answerCallbackQuery', { callback_query_id: 'q1' }));
    await vi.advanceTimersByTimeAsync(0);
    const replies = starts.filter((start) => start.text === 'reply' || start.method === 'answerCallbackQuery');
    expect(replies).toHaveLength(1001);
    expect(replies.every((start) => start.at === 0)).toBe(true);
    // The bulk lane meanwhile went on at its own pace: one started, the rest spaced out.
    expect(starts.filter((start) => start.text === 'notice')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4000);
    await Promise.all([...bulk, ...answers]);
  });

  it("keeps a private chat within its calls a second, both lanes counted, while other chats are answered at once", async () => {
    const { call, answer, starts } = paced({ messagesPerSecond: 1000, chatCallsPerSecond: 5 }, 100);
    const user = 42;
    // A user tapping through a flow fast: seven answers to their chat at once, and a notice to them meanwhile.
    const answers = Array.from({ length: 7 }, (_, index) => answer('sendMessage', { chat_id: user, text: `answer ${index}` }));
    const notice = call('sendMessage', { chat_id: user, text: 'notice' });
    const others = Array.from({ length: 20 }, (_, index) => answer('sendMessage', { chat_id: 1000 + index, text: 'reply' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.filter((start) => start.text === 'reply')).toHaveLength(20);
    expect(starts.filter((start) => start.chatId === user).map((start) => start.text)).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3', 'answer 4']);
    // The rest go a second after the first ones were answered (Telegram counts a call when it arrives), answers first.
    await vi.advanceTimersByTimeAsync(1099);
    expect(starts.filter((start) => start.chatId === user)).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    const toUser = starts.filter((start) => start.chatId === user);
    expect(toUser.map((start) => start.text).slice(5)).toEqual(['answer 5', 'answer 6', 'notice']);
    expect(toUser.slice(5).every((start) => start.at === 1100)).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([...answers, notice, ...others]);
  });

  it("gives a group's places to answers first: bulk calls wait while an answer waits, and leave it the places kept", async () => {
    const windowMs = 6000;
    const { call, answer, starts } = paced({ messagesPerSecond: 1000, groupMessagesPerMinute: 20, groupWindowMs: windowMs, groupPlacesForAnswers: 3 });
    const group = -100777;
    // 30 cards queued: 17 go, 3 places stay for answers.
    const cards = Array.from({ length: 30 }, (_, index) => call('sendMessage', { chat_id: group, text: `card ${index}` }));
    await vi.advanceTimersByTimeAsync(100);
    expect(starts.filter((start) => start.chatId === group)).toHaveLength(17);
    // Five answers come: three take the kept places at once, two wait for the window, ahead of every card.
    const answers = Array.from({ length: 5 }, (_, index) => answer('sendMessage', { chat_id: group, text: `answer ${index}` }));
    await vi.advanceTimersByTimeAsync(10);
    expect(starts.filter((start) => String(start.text).startsWith('answer'))).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(windowMs);
    await Promise.all(answers);
    const order = starts.filter((start) => start.chatId === group).map((start) => String(start.text));
    expect(order.slice(17, 22)).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3', 'answer 4']);
    await vi.advanceTimersByTimeAsync(3 * windowMs);
    await Promise.all(cards);
    const times = starts.filter((start) => start.chatId === group).map((start) => start.at);
    for (const [index, at] of times.entries()) {
      expect(times.filter((other) => other >= at && other < at + windowMs).length, `window from call ${index}`).toBeLessThanOrEqual(20);
    }
    // Cards never took the places kept for answers: at most 17 in any window.
    const cardTimes = starts.filter((start) => String(start.text).startsWith('card')).map((start) => start.at);
    for (const at of cardTimes) expect(cardTimes.filter((other) => other >= at && other < at + windowMs).length).toBeLessThanOrEqual(17);
    expect(cardTimes).toHaveLength(30);
  });
});

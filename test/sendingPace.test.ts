import type { RawApi, Transformer } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendingPace, type PaceLimits } from '../src/telegram/sendingPace.ts';

type Prev = Parameters<Transformer<RawApi>>[0];

/** A network whose calls each take `answerMs` (or fail when the payload says so), recording when each started. */
function network(answerMs: number) {
  const starts: { at: number; chatId: unknown; method: string }[] = [];
  let unanswered = 0;
  let mostUnanswered = 0;
  const prev = ((method: string, payload: Record<string, unknown> | undefined) => {
    starts.push({ at: Date.now(), chatId: payload?.chat_id, method });
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

function paced(limits: Partial<PaceLimits>, answerMs = 10) {
  const net = network(answerMs);
  const pace = sendingPace({ messagesPerSecond: 10, inFlight: 100, groupMessagesPerMinute: 1000, ...limits });
  const call = (method: string, payload: Record<string, unknown>) =>
    (pace as unknown as (prev: Prev, method: string, payload: Record<string, unknown>) => Promise<unknown>)(net.prev, method, payload);
  return { ...net, call };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the sending pace', () => {
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

  it("lets at most a group's allowance start in any 60 seconds, the rest after the first ones' minute", async () => {
    const { call, starts } = paced({ messagesPerSecond: 1000, groupMessagesPerMinute: 20 });
    const first = Array.from({ length: 15 }, () => call('sendMessage', { chat_id: -100123, text: 'card' }));
    await vi.advanceTimersByTimeAsync(30_000);
    const second = Array.from({ length: 15 }, () => call('sendMessage', { chat_id: -100123, text: 'card' }));
    // A private chat meanwhile is not held up by the group's minute.
    const reply = call('sendMessage', { chat_id: 42, text: 'reply' });
    await vi.advanceTimersByTimeAsync(100);
    await reply;
    expect(starts.filter((start) => start.chatId === 42)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all([...first, ...second]);
    const groupStarts = starts.filter((start) => start.chatId === -100123).map((start) => start.at);
    expect(groupStarts).toHaveLength(30);
    for (const [index, at] of groupStarts.entries()) {
      expect(groupStarts.filter((other) => other >= at && other < at + 60_000).length, `window from call ${index}`).toBeLessThanOrEqual(20);
    }
    // The 16th to 20th went at once at 30 s; the 21st once the first call's minute was over.
    expect(groupStarts[19]).toBeLessThan(30_100);
    expect(groupStarts[20]).toBeGreaterThanOrEqual(60_000);
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

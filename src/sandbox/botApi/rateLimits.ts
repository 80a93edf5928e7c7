/**
 * Telegram's flood limits (its bot FAQ), for a fake that answers 429 like Telegram when a bot sends too fast. A
 * message to a private chat whose user has not written within `activeWithinMs` is bulk (a notification the bot
 * starts); one to a chat whose user just wrote is an answer. Groups have their own limit, everything counted.
 */
export interface RateLimits {
  /** Bulk messages to all chats in any second (Telegram: about 30). */
  bulkPerSecond?: number;
  /** Bulk messages to one chat: this many at once, then `bulkPerChatPerSecond` (a burst, then 1 a second). */
  bulkBurstPerChat?: number;
  bulkPerChatPerSecond?: number;
  /** Answers to one chat in any second; answers are not counted in `bulkPerSecond`. */
  answersPerChatPerSecond?: number;
  /** Messages to one group (a negative chat id) in any `groupWindowMs`, answers and bulk alike. */
  groupPerWindow?: number;
  /** Telegram: a minute; tests scale it down. */
  groupWindowMs?: number;
  /** A user who wrote within this long is answered, not sent bulk. */
  activeWithinMs?: number;
}

/** Telegram's limits as this fake enforces them. */
export const TELEGRAM_RATE_LIMITS = {
  bulkPerSecond: 30,
  bulkBurstPerChat: 3,
  bulkPerChatPerSecond: 1,
  answersPerChatPerSecond: 5,
  groupPerWindow: 20,
  groupWindowMs: 60_000,
  activeWithinMs: 60_000,
} as const satisfies Required<RateLimits>;

const SECOND_MS = 1000;

/** The times of accepted calls within a sliding window. */
class SlidingWindow {
  #times: number[] = [];
  /** Milliseconds until a place frees up when `limit` are taken; undefined when one is free. */
  waitFor(limit: number | undefined, windowMs: number, now: number): number | undefined {
    this.#times = this.#times.filter((time) => time > now - windowMs);
    if (limit === undefined || this.#times.length < limit) return undefined;
    return (this.#times[0] ?? now) + windowMs - now;
  }
  take(now: number): void {
    this.#times.push(now);
  }
}

/** A burst of `burst`, refilled at `perSecond` (a token bucket). */
class Bucket {
  #tokens: number;
  #at: number;
  constructor(burst: number, now: number) {
    this.#tokens = burst;
    this.#at = now;
  }
  /** Milliseconds until a token is there; undefined when one is. */
  waitFor(burst: number, perSecond: number, now: number): number | undefined {
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#at) / SECOND_MS) * perSecond);
    this.#at = now;
    return this.#tokens >= 1 ? undefined : ((1 - this.#tokens) / perSecond) * SECOND_MS;
  }
  take(): void {
    this.#tokens -= 1;
  }
}

/**
 * Counts the calls accepted so far: a call over a limit is refused with the seconds to wait (as Telegram's
 * `retry_after`) and does not count. Only calls that act in a chat (a `chat_id`, reads excepted) count.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  /** When the user of a private chat last wrote to the bot. */
  readonly #wroteAt: (chatId: number) => number | undefined;
  readonly #bulk = new SlidingWindow();
  readonly #bulkByChat = new Map<number, Bucket>();
  readonly #answersByChat = new Map<number, SlidingWindow>();
  readonly #groups = new Map<number, SlidingWindow>();

  constructor(limits: RateLimits, wroteAt: (chatId: number) => number | undefined) {
    this.#limits = limits;
    this.#wroteAt = wroteAt;
  }

  static counts(method: string, params: Record<string, unknown>): boolean {
    return params['chat_id'] !== undefined && !method.startsWith('get');
  }

  /** Seconds to wait when the call is over a limit; otherwise the call is counted and undefined returned. */
  admit(chatIdText: string, now: number): number | undefined {
    const chatId = Number(chatIdText);
    const limits = this.#limits;
    const refuse = (waitMs: number) => Math.max(1, Math.ceil(waitMs / SECOND_MS));
    if (chatId < 0) {
      const window = this.#groups.get(chatId) ?? new SlidingWindow();
      const windowMs = limits.groupWindowMs ?? TELEGRAM_RATE_LIMITS.groupWindowMs;
      const wait = window.waitFor(limits.groupPerWindow, windowMs, now);
      if (wait !== undefined) return refuse(wait);
      window.take(now);
      this.#groups.set(chatId, window);
      return undefined;
    }
    const wrote = this.#wroteAt(chatId);
    const answering = wrote !== undefined && now - wrote < (limits.activeWithinMs ?? TELEGRAM_RATE_LIMITS.activeWithinMs);
    if (answering) {
      const window = this.#answersByChat.get(chatId) ?? new SlidingWindow();
      const wait = window.waitFor(limits.answersPerChatPerSecond, SECOND_MS, now);
      if (wait !== undefined) return refuse(wait);
      window.take(now);
      this.#answersByChat.set(chatId, window);
      return undefined;
    }
    const burst = limits.bulkBurstPerChat ?? TELEGRAM_RATE_LIMITS.bulkBurstPerChat;
    const bucket = this.#bulkByChat.get(chatId) ?? new Bucket(burst, now);
    const waits = [
      this.#bulk.waitFor(limits.bulkPerSecond, SECOND_MS, now),
      limits.bulkPerChatPerSecond === undefined ? undefined : bucket.waitFor(burst, limits.bulkPerChatPerSecond, now),
    ].filter((wait) => wait !== undefined);
    if (waits.length > 0) return refuse(Math.max(...waits));
    this.#bulk.take(now);
    bucket.take();
    this.#bulkByChat.set(chatId, bucket);
    return undefined;
  }
}

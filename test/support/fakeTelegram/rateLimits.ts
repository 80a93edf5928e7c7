/** Telegram's flood limits, for a fake that answers 429 like Telegram when a bot sends too fast. */
export interface RateLimits {
  /** Calls addressed to one chat in any second (Telegram: about 1 in a private chat). */
  perChatPerSecond?: number;
  /** Calls addressed to any chat in any second (Telegram: about 30). */
  perSecond?: number;
}

const WINDOW_MS = 1000;

/**
 * Sliding one-second windows over the calls accepted so far: a call over a limit is refused with the seconds to
 * wait (as Telegram's `retry_after`) and does not count. Only calls that act in a chat (a `chat_id`, reads excepted) count.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  #accepted: number[] = [];
  readonly #byChat = new Map<string, number[]>();

  constructor(limits: RateLimits) {
    this.#limits = limits;
  }

  static counts(method: string, params: Record<string, unknown>): boolean {
    return params['chat_id'] !== undefined && !method.startsWith('get');
  }

  /** Seconds to wait when the call is over a limit; otherwise the call is counted and undefined returned. */
  admit(chatId: string, now: number): number | undefined {
    const since = now - WINDOW_MS;
    this.#accepted = this.#accepted.filter((time) => time > since);
    const chat = (this.#byChat.get(chatId) ?? []).filter((time) => time > since);
    const full = [
      [this.#accepted, this.#limits.perSecond],
      [chat, this.#limits.perChatPerSecond],
    ] as const;
    const blocking = full.filter(([times, limit]) => limit !== undefined && times.length >= limit).map(([times]) => times[0] ?? now);
    if (blocking.length > 0) return Math.max(1, Math.ceil((Math.max(...blocking) + WINDOW_MS - now) / 1000));
    this.#accepted.push(now);
    chat.push(now);
    this.#byChat.set(chatId, chat);
    return undefined;
  }
}

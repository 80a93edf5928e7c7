import type { RawApi, Transformer } from 'grammy';

export interface PaceLimits {
  /** Calls started per second in all, evenly spaced. */
  messagesPerSecond: number;
  /** Calls sent and not yet answered at once. */
  inFlight: number;
  /** Calls per minute to one group (a negative chat id). */
  groupMessagesPerMinute: number;
}

const MINUTE_MS = 60_000;

/** A first-in first-out queue that takes and gives in constant time, however long it grows. */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  peek(): T | undefined {
    return this.#items[this.#head];
  }
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** One group's last minute: when its calls started, those let through and not started yet, those waiting. */
interface GroupMinute {
  starts: Queue<number>;
  letThrough: number;
  waiting: Queue<() => void>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Telegram's limits for every call addressed to a chat (a `chat_id`; other methods pass at once): calls start
 * in their order, evenly spaced at `messagesPerSecond`, at most `inFlight` unanswered at once; a group's calls
 * first wait for a place in the group's last minute (`groupMessagesPerMinute` in any 60 seconds). State is per
 * process; a group's is dropped once a minute has passed since its last call.
 */
export function sendingPace(limits: PaceLimits): Transformer<RawApi> {
  const spacingMs = Math.ceil(1000 / limits.messagesPerSecond);
  const waiting = new Queue<() => void>();
  let unanswered = 0;
  let nextStartAt = 0;
  let timer: NodeJS.Timeout | undefined;

  const startWhatMay = () => {
    timer = undefined;
    while (waiting.length > 0 && unanswered < limits.inFlight) {
      const now = Date.now();
      if (now < nextStartAt) {
        timer = setTimeout(startWhatMay, nextStartAt - now);
        return;
      }
      nextStartAt = now + spacingMs;
      unanswered += 1;
      waiting.shift()?.();
    }
  };

  const inTurn = <T>(send: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        // A call that throws at once still hands its place on.
        Promise.resolve()
          .then(send)
          .then(resolve, reject)
          .finally(() => {
            unanswered -= 1;
            if (!timer) startWhatMay();
          });
      });
      if (!timer) startWhatMay();
    });

  // Per group: at most `groupMessagesPerMinute` calls start in any 60 seconds (counted when they start).
  const groups = new Map<number, GroupMinute>();
  const letThroughWhatMay = (chatId: number, group: GroupMinute) => {
    clearTimeout(group.timer);
    group.timer = undefined;
    const now = Date.now();
    while ((group.starts.peek() ?? now) <= now - MINUTE_MS) group.starts.shift();
    while (group.waiting.length > 0 && group.starts.length + group.letThrough < limits.groupMessagesPerMinute) {
      group.letThrough += 1;
      group.waiting.shift()?.();
    }
    const oldest = group.starts.peek();
    if (oldest !== undefined) {
      // Then a place frees up for what waits, or the group's state can go.
      group.timer = setTimeout(() => letThroughWhatMay(chatId, group), oldest + MINUTE_MS - now);
      if (group.waiting.length === 0) group.timer.unref();
    } else if (group.waiting.length === 0 && group.letThrough === 0) groups.delete(chatId);
  };
  const inGroupTurn = <T>(chatId: number, send: () => Promise<T>): Promise<T> => {
    let group = groups.get(chatId);
    if (!group) {
      group = { starts: new Queue(), letThrough: 0, waiting: new Queue(), timer: undefined };
      groups.set(chatId, group);
    }
    const current = group;
    const turn = new Promise<void>((resolve) => current.waiting.push(resolve));
    letThroughWhatMay(chatId, current);
    return turn.then(() =>
      inTurn(() => {
        current.letThrough -= 1;
        current.starts.push(Date.now());
        letThroughWhatMay(chatId, current);
        return send();
      }),
    );
  };

  return (prev, method, payload, signal) => {
    if (payload === undefined || !('chat_id' in payload)) return prev(method, payload, signal);
    const chatId = Number(payload.chat_id);
    const send = () => prev(method, payload, signal);
    return chatId < 0 ? inGroupTurn(chatId, send) : inTurn(send);
  };
}

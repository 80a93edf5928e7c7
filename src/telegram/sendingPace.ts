import type { RawApi, Transformer } from 'grammy';

export interface PaceLimits {
  /** Bulk calls started per second in all, evenly spaced. */
  messagesPerSecond: number;
  /** Bulk calls sent and not yet answered at once. */
  inFlight: number;
  /** Calls to one group (a negative chat id) in any group window, both lanes together. */
  groupMessagesPerMinute: number;
  /** The group window: a minute at Telegram (tests scale it down). */
  groupWindowMs: number;
  /** Places of every group window that bulk calls leave to answers. */
  groupPlacesForAnswers: number;
  /**
   * Calls to one private chat in any second, both lanes together: Telegram allows a chat short bursts, then answers
   * 429 (a user tapping through a flow fast gets an edit and a message or two per tap).
   */
  chatCallsPerSecond: number;
}

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

/**
 * One chat's last window: when its calls were answered, those let through and not answered yet, those waiting by
 * lane.
 */
interface ChatWindow {
  answered: Queue<number>;
  letThrough: number;
  answers: Queue<() => void>;
  bulk: Queue<() => void>;
  timer: NodeJS.Timeout | undefined;
}

/** How many calls a chat takes in any window, and how many of them bulk calls leave to answers. */
interface WindowLimits {
  perWindow: number;
  windowMs: number;
  keptForAnswers: number;
}

/** The two lanes' transformers; they share each group's window. */
export interface SendingPace {
  /**
   * Answers to the update being handled: at once, however many chats they go to; a call waits only when its chat's
   * window is full (a group's minute, a private chat's second), ahead of any bulk call to that chat.
   */
  answers: Transformer<RawApi>;
  /**
   * What the bot sends on its own: started in order, evenly spaced at `messagesPerSecond`, at most `inFlight`
   * unanswered; a call first waits until no answer waits for its chat and a place is left in the chat's window
   * beyond those kept for answers (`groupPlacesForAnswers` in a group).
   */
  bulk: Transformer<RawApi>;
}

/**
 * Telegram's limits as two lanes (see SendingPace). Only calls addressed to a chat (a `chat_id`) are paced; others
 * pass at once. A chat's calls hold their place in its window until answered, and a window after. State is per
 * process; a chat's is dropped once its window has passed since its last call.
 */
export function sendingPace(limits: PaceLimits): SendingPace {
  const spacingMs = 1000 / limits.messagesPerSecond;
  const waiting = new Queue<() => void>();
  // Starts of the last second: never more than `messagesPerSecond` in any second, whatever the grid allows.
  const lastSecond = new Queue<number>();
  let unanswered = 0;
  let nextStartAt = 0;
  let timer: NodeJS.Timeout | undefined;

  const startWhatMay = () => {
    timer = undefined;
    while (waiting.length > 0 && unanswered < limits.inFlight) {
      const now = Date.now();
      while ((lastSecond.peek() ?? now) <= now - 1000) lastSecond.shift();
      const secondFull = lastSecond.length >= limits.messagesPerSecond;
      const startAt = secondFull ? Math.max(nextStartAt, (lastSecond.peek() ?? now) + 1000) : nextStartAt;
      if (now < startAt) {
        timer = setTimeout(startWhatMay, startAt - now);
        return;
      }
      // On the grid of evenly spaced starts, so a timer that fires late costs no rate; after a longer pause (a busy
      // process) the grid starts again from now, never sending the missed starts at once.
      nextStartAt = Math.max(nextStartAt, now - spacingMs) + spacingMs;
      lastSecond.push(now);
      unanswered += 1;
      waiting.shift()?.();
    }
  };

  const inBulkTurn = <T>(send: () => Promise<T>): Promise<T> =>
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

  const chats = new Map<number, ChatWindow>();
  const groupLimits: WindowLimits = { perWindow: limits.groupMessagesPerMinute, windowMs: limits.groupWindowMs, keptForAnswers: limits.groupPlacesForAnswers };
  const privateLimits: WindowLimits = { perWindow: limits.chatCallsPerSecond, windowMs: 1000, keptForAnswers: 0 };
  const letThroughWhatMay = (chatId: number, chat: ChatWindow) => {
    const { perWindow, windowMs, keptForAnswers } = chatId < 0 ? groupLimits : privateLimits;
    clearTimeout(chat.timer);
    chat.timer = undefined;
    const now = Date.now();
    while ((chat.answered.peek() ?? now) <= now - windowMs) chat.answered.shift();
    const used = () => chat.answered.length + chat.letThrough;
    while (chat.answers.length > 0 && used() < perWindow) {
      chat.letThrough += 1;
      chat.answers.shift()?.();
    }
    while (chat.answers.length === 0 && chat.bulk.length > 0 && used() < perWindow - keptForAnswers) {
      chat.letThrough += 1;
      chat.bulk.shift()?.();
    }
    const oldest = chat.answered.peek();
    const waitingHere = chat.answers.length + chat.bulk.length;
    if (oldest !== undefined) {
      // Then a place frees up for what waits, or the chat's state can go.
      chat.timer = setTimeout(() => letThroughWhatMay(chatId, chat), oldest + windowMs - now);
      if (waitingHere === 0) chat.timer.unref();
    } else if (waitingHere === 0 && chat.letThrough === 0) chats.delete(chatId);
  };
  /**
   * Waits for a place in the chat's window. The place is held until the call is answered and for a window after:
   * Telegram counts the call when it arrives, some time between its start and its answer (long on a loaded machine
   * or a slow network), so a window counted from the start could free a place Telegram still counts.
   */
  const inChatTurn = <T>(chatId: number, lane: 'answers' | 'bulk', send: () => Promise<T>): Promise<T> => {
    let chat = chats.get(chatId);
    if (!chat) {
      chat = { answered: new Queue(), letThrough: 0, answers: new Queue(), bulk: new Queue(), timer: undefined };
      chats.set(chatId, chat);
    }
    const current = chat;
    const turn = new Promise<void>((resolve) => current[lane].push(resolve));
    letThroughWhatMay(chatId, current);
    return turn.then(() =>
      send().finally(() => {
        current.letThrough -= 1;
        current.answered.push(Date.now());
        letThroughWhatMay(chatId, current);
      }),
    );
  };

  const chatOf = (payload: unknown): number | undefined =>
    typeof payload === 'object' && payload !== null && 'chat_id' in payload ? Number(payload.chat_id) : undefined;

  return {
    answers: (prev, method, payload, signal) => {
      const chatId = chatOf(payload);
      if (chatId === undefined) return prev(method, payload, signal);
      return inChatTurn(chatId, 'answers', () => prev(method, payload, signal));
    },
    bulk: (prev, method, payload, signal) => {
      const chatId = chatOf(payload);
      if (chatId === undefined) return prev(method, payload, signal);
      return inChatTurn(chatId, 'bulk', () => inBulkTurn(() => prev(method, payload, signal)));
    },
  };
}

import type { ApiCall, ChatMessage, MessageMatcher, WaitOptions } from './types.ts';
import type { World } from './world.ts';

const DEFAULT_TIMEOUT = 5000;

function versionsOf(message: ChatMessage): string[] {
  const states = [...message.history, message];
  return states.flatMap((s) => [s.text, s.caption].filter((t): t is string => t !== undefined));
}

function matches(message: ChatMessage, matcher: MessageMatcher, allVersions: boolean): boolean {
  if (typeof matcher === 'function') return matcher(message);
  const texts = allVersions ? versionsOf(message) : [message.text ?? message.caption ?? ''];
  return texts.some((text) => (typeof matcher === 'string' ? text.includes(matcher) : matcher.test(text)));
}

function describeMatcher(matcher: MessageMatcher): string {
  return typeof matcher === 'function' ? 'a message matching the predicate' : `a message matching ${typeof matcher === 'string' ? JSON.stringify(matcher) : String(matcher)}`;
}

function summary(message: ChatMessage): string {
  const body = message.text ?? (message.caption !== undefined ? `[${message.photo ? 'photo' : 'file'}] ${message.caption}` : message.photo ? '[photo]' : message.document ? '[document]' : '[no text]');
  const flags = [message.deleted ? 'deleted' : '', message.history.length ? `edited ${message.history.length}x` : ''].filter(Boolean).join(', ');
  return `  #${message.message_id}${flags ? ` (${flags})` : ''}: ${JSON.stringify(body.length > 300 ? body.slice(0, 300) + '…' : body)}`;
}

/** What the waits read of the fake: the bot's messages in a chat and the calls it got wrong. */
interface BotRecord {
  messages(chatId: number): ChatMessage[];
  readonly rejectedCalls: ApiCall[];
}

/** Waits for what the bot does (a message, an edit, going idle), with a read cursor per chat; a timeout shows what the bot did send. */
export class BotWaits {
  readonly #world: World;
  readonly #bot: BotRecord;
  /** chat id -> highest message_id already consumed by waitForMessage */
  readonly #cursors = new Map<number, number>();

  constructor(world: World, bot: BotRecord) {
    this.#world = world;
    this.#bot = bot;
  }

  waitForMessage(chatId: number, matcher: MessageMatcher = () => true, options: WaitOptions = {}): Promise<ChatMessage> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    return this.#world
      .waitFor(
        () => {
          const cursor = this.#cursors.get(chatId) ?? 0;
          return this.#bot.messages(chatId).find((m) => m.message_id > cursor && matches(m, matcher, true));
        },
        timeout,
        () => this.#timeoutError(`${describeMatcher(matcher)} in chat ${chatId}`, chatId, timeout),
      )
      .then((message) => {
        this.#cursors.set(chatId, message.message_id);
        return message;
      });
  }

  /** Marks everything the bot sent so far in the chat as read for waitForMessage. */
  markRead(chatId: number): void {
    this.#cursors.set(chatId, this.#bot.messages(chatId).at(-1)?.message_id ?? 0);
  }

  /** Waits until the message's current text/caption matches (edits in place). */
  waitForEdit(chatId: number, messageId: number, matcher: MessageMatcher, options: WaitOptions = {}): Promise<ChatMessage> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    return this.#world.waitFor(
      () => {
        const message = this.#world.findMessage(chatId, messageId);
        return message && matches(message, matcher, false) ? message : undefined;
      },
      timeout,
      () => this.#timeoutError(`message ${messageId} to become ${describeMatcher(matcher)}`, chatId, timeout),
    );
  }

  /** Resolves once the bot is idle (see FakeTelegram.settle). */
  async settle(ms: number, options: WaitOptions): Promise<void> {
    const deadline = Date.now() + (options.timeout ?? 10_000);
    for (;;) {
      const world = this.#world;
      const idleFor = Date.now() - world.lastCallTime;
      // Without a webhook, queued updates mean the bot has not fetched and confirmed them yet.
      const busy = world.inFlight > 0 || (!world.webhook && world.updates.pending.length > 0);
      if (!busy && idleFor >= ms) return;
      if (Date.now() > deadline) {
        throw new Error(
          `settle: the bot is still busy after ${options.timeout ?? 10_000} ms: ${world.inFlight} request(s) in progress, ` +
            `${world.updates.pending.length} update(s) not yet fetched and confirmed (is the bot polling?)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, busy ? 10 : ms - idleFor));
    }
  }

  #timeoutError(what: string, chatId: number, timeout: number): Error {
    const recent = this.#bot.messages(chatId).slice(-10).map(summary);
    const cursor = this.#cursors.get(chatId) ?? 0;
    const rejected = this.#bot.rejectedCalls.slice(-5).map((c) => `  ${c.method}: ${c.error?.description ?? ''}`);
    return new Error(
      [
        `Timed out after ${timeout} ms waiting for ${what}.`,
        `Recent bot messages in chat ${chatId} (read cursor at #${cursor}):`,
        ...(recent.length ? recent : ['  (none)']),
        ...(rejected.length ? ['Recent rejected API calls:', ...rejected] : []),
      ].join('\n'),
    );
  }
}

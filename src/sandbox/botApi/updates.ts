import { randomInt } from 'node:crypto';
import type { Update } from 'grammy/types';
import { ApiError } from './errors.ts';

/** Update types delivered when allowed_updates is empty or not given (Telegram's default). */
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

interface Waiter {
  wake: () => void;
  supersede: () => void;
}

export type NewUpdate = Omit<Update, 'update_id'>;

/**
 * Telegram's update queue: updates stay until confirmed with a higher getUpdates offset, long polls
 * wait for the first update, and a newer getUpdates ends the waiting one with 409 Conflict.
 */
export class UpdateQueue {
  #pending: Update[] = [];
  // As Telegram's, ids start anywhere: two fakes (two bots) never share one, so a database's handled ids hold for one bot.
  #nextId = 100_000 + randomInt(1_000_000_000);
  #waiter: Waiter | undefined;
  #allowed: string[] = [];

  get pending(): readonly Update[] {
    return this.#pending;
  }

  get allowedUpdates(): readonly string[] {
    return this.#allowed;
  }

  setAllowedUpdates(list: unknown): void {
    if (Array.isArray(list)) this.#allowed = list.filter((x): x is string => typeof x === 'string');
  }

  #isAllowed(update: NewUpdate): boolean {
    const type = Object.keys(update)[0] ?? '';
    return this.#allowed.length === 0 ? !OPT_IN_TYPES.has(type) : this.#allowed.includes(type);
  }

  /** Adds an update; returns undefined when allowed_updates filters its type out (Telegram never creates it). */
  push(update: NewUpdate): Update | undefined {
    if (!this.#isAllowed(update)) return undefined;
    const full: Update = { update_id: this.#nextId++, ...update };
    this.#pending.push(full);
    this.#waiter?.wake();
    return full;
  }

  /** Removes and returns every queued update (a webhook delivery takes them). */
  takeAll(): Update[] {
    const taken = this.#pending;
    this.#pending = [];
    return taken;
  }

  dropPending(): void {
    this.#pending = [];
  }

  #confirm(offset: number): void {
    if (offset > 0) this.#pending = this.#pending.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.#pending = this.#pending.slice(offset);
  }

  /** getUpdates: confirm by offset, then return at once or hold up to `timeout` seconds. */
  async poll(options: { offset: number; limit: number; timeout: number; closed: Promise<void> }): Promise<Update[]> {
    this.#confirm(options.offset);
    this.#waiter?.supersede();
    this.#waiter = undefined;
    if (this.#pending.length === 0 && options.timeout > 0) {
      await new Promise<void>((resolve, reject) => {
        let done = false;
        const end = (error?: ApiError): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          if (this.#waiter === waiter) this.#waiter = undefined;
          if (error) reject(error);
          else resolve();
        };
        const timer = setTimeout(() => end(), options.timeout * 1000);
        const waiter: Waiter = {
          wake: () => end(),
          supersede: () =>
            end(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running')),
        };
        this.#waiter = waiter;
        void options.closed.then(() => end());
      });
    }
    return this.#pending.slice(0, options.limit);
  }

  /** Ends a waiting long poll (server shutdown). */
  release(): void {
    this.#waiter?.wake();
  }
}

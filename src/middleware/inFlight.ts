import type { Update } from 'grammy/types';

/** An update the shutdown cut off or came too late for: not handled, so handled again later (not apologised for). */
export class UpdateLeftUnfinished extends Error {
  constructor(updateId: number) {
    super(`update ${updateId} left unfinished by the shutdown`);
  }
}

/**
 * The updates being handled, for shutdown: it stops new ones from starting, waits for these, and cuts off their
 * Telegram calls (`cutOffSignal`) when the deadline nears.
 */
export class InFlightUpdates {
  readonly #handling = new Set<number>();
  #stopping = false;
  readonly #cutOff = new AbortController();
  #waiters: (() => void)[] = [];

  /** Aborted when the shutdown cuts off what is still in flight: every Telegram call then ends at once. */
  get cutOffSignal(): AbortSignal {
    return this.#cutOff.signal;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  get count(): number {
    return this.#handling.size;
  }

  /** Updates that begin from now on are left for the next start. */
  stopTaking(): void {
    this.#stopping = true;
  }

  cutOff(): void {
    this.#cutOff.abort(new Error('shutting down'));
  }

  /** Counts the update in; call `end` once it is over, handled or not. */
  begin(update: Update): () => void {
    this.#handling.add(update.update_id);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#handling.delete(update.update_id);
      if (this.#handling.size === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves when nothing is in flight, or after `timeoutMs` (returns false then). */
  async drain(timeoutMs?: number): Promise<boolean> {
    if (this.#handling.size === 0) return true;
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

import type { Update } from 'grammy/types';

/** An update the shutdown cut off or came too late for: not handled, so handled again later (not apologised for). */
export class UpdateLeftUnfinished extends Error {
  constructor(updateId: number) {
    super(`update ${updateId} left unfinished by the shutdown`);
  }
}

/**
 * The updates being handled, for shutdown: it stops new ones from starting, waits for these, cuts off their
 * Telegram calls (`cutOffSignal`) when the deadline nears, and keeps the ones not handled for the next start.
 */
export class InFlightUpdates {
  readonly #handling = new Map<number, Update>();
  /** Begun and not handled: cut off, or begun after the stop. */
  readonly #unfinished = new Map<number, Update>();
  #highestBegun = -1;
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

  /** Updates that begin from now on are left for the next start. */
  stopTaking(): void {
    this.#stopping = true;
  }

  cutOff(): void {
    this.#cutOff.abort(new Error('shutting down'));
  }

  /** Counts the update in; call `end` once with whether it was handled (a failure apologised for counts as handled). */
  begin(update: Update): (handled: boolean) => void {
    this.#handling.set(update.update_id, update);
    this.#highestBegun = Math.max(this.#highestBegun, update.update_id);
    let ended = false;
    return (handled) => {
      if (ended) return;
      ended = true;
      this.#handling.delete(update.update_id);
      if (!handled) this.#unfinished.set(update.update_id, update);
      if (this.#handling.size === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Begun and not handled (still in flight, or left unfinished), oldest first. */
  get unfinished(): Update[] {
    return [...this.#handling.values(), ...this.#unfinished.values()].sort((a, b) => a.update_id - b.update_id);
  }

  /** These are kept for the next start elsewhere (stored): they no longer hold the offset back. */
  kept(updates: readonly Update[]): void {
    for (const { update_id: id } of updates) {
      this.#handling.delete(id);
      this.#unfinished.delete(id);
    }
  }

  /**
   * The offset that confirms to Telegram what was handled: below the lowest update not handled, else past the
   * newest begun (updates not begun yet come later). Undefined when none has begun.
   */
  get offsetToConfirm(): number | undefined {
    const lowestUnfinished = this.unfinished[0]?.update_id;
    if (lowestUnfinished !== undefined) return lowestUnfinished;
    return this.#highestBegun >= 0 ? this.#highestBegun + 1 : undefined;
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

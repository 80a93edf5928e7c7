/** Counts updates being handled, so shutdown can wait for them after it stops taking new ones. */
export class InFlightUpdates {
  #count = 0;
  #highestUpdateId = -1;
  #waiters: (() => void)[] = [];

  begin(updateId: number): () => void {
    this.#count += 1;
    this.#highestUpdateId = Math.max(this.#highestUpdateId, updateId);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count -= 1;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** The newest update id seen, to confirm it to Telegram before exiting (-1 when none). */
  get highestUpdateId(): number {
    return this.#highestUpdateId;
  }

  /** Resolves when nothing is in flight, or after `timeoutMs` (returns false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

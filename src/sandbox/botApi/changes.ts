import type { ApiCall } from './types.ts';

/**
 * Who is told when the fake Telegram's world changes (tests waiting for a message, the sandbox page), and the log of
 * every API call the bot made.
 */
export class WorldChanges {
  readonly calls: ApiCall[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #callListeners = new Set<(call: ApiCall) => void>();

  changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Calls `listener` after every change (a message, an edit, an API call); returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first non-undefined result of `check`, re-evaluated on every change. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    const immediate = check();
    if (immediate !== undefined) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(onTimeout());
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }

  /** Calls `listener` with every API call once it is answered (benchmarks watch replies this way, cheaply). */
  onCall(listener: (call: ApiCall) => void): () => void {
    this.#callListeners.add(listener);
    return () => this.#callListeners.delete(listener);
  }

  recordCall(call: ApiCall): void {
    this.calls.push(call);
    for (const listener of this.#callListeners) listener(call);
    this.changed();
  }
}

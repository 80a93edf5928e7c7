import type { Clock } from '../services/platform/clock.ts';

/** The bot's time in the sandbox: the real time plus however far "Fast forward" has moved it. */
export class SandboxClock {
  #offsetMs = 0;
  readonly now: Clock = () => new Date(Date.now() + this.#offsetMs);

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(milliseconds: number): void {
    this.#offsetMs += milliseconds;
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}

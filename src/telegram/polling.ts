import { createConcurrentSink, createRunner, createSource, type RunnerHandle, type UpdateSupplier } from '@grammyjs/runner';
import { BotError, GrammyError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import { UpdateLeftUnfinished } from '../middleware/inFlight.ts';

/** Telegram's most updates per getUpdates. */
const FETCH_LIMIT = 100;
const LONG_POLL_SECONDS = 30;
/**
 * Updates handled at once in polling mode (the runner's default is 500). Ten database connections serve them, so
 * more only wait inside the process, where every waiting update's objects outlive the young generation and fill
 * the heap; beyond this they wait at Telegram. (Webhook mode: Telegram's max_connections, 40 by default.)
 */
const POLLING_CONCURRENCY = 64;
/**
 * An update holding the offset is parked (stored for the next start, so the offset passes it) once more than this
 * many fetched updates wait at Telegram from it on: every poll brings them all again, and under load (64 in flight)
 * parsing them again cost more CPU than parking (one INSERT a poll; the copies of handled ones are dropped with the
 * handled ids, a second at a time): `npm run bench -- updates`.
 */
export const MOST_HELD = 16;
/** While updates hold the offset, Telegram answers a poll at once: one that brought nothing new is repeated when the offset moves, or after this long. */
const HELD_POLL_INTERVAL_MS = 250;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 30_000;

interface Fetched {
  update: Update;
  done: boolean;
}

/**
 * The offset rule of polling: an update is confirmed to Telegram only once it is handled, so one fetched and not
 * handled when the process dies (SIGKILL, out of memory, power loss) comes again at the next start. The offset is
 * the lowest update fetched and not handled (nor parked), or past the newest fetched when none is. Telegram keeps
 * returning the updates from the offset on; only those above the newest fetched are new (ids only grow).
 */
export class PolledUpdates {
  /** Fetched, at or above the offset, oldest first: what Telegram returns again from the offset on. */
  readonly #held = new Map<number, Fetched>();
  /** Parked (stored for the next start) and still being handled here. */
  readonly #parked = new Set<number>();
  #newest = -1;
  #moved: (() => void)[] = [];

  /** The getUpdates offset; 0 (Telegram's earliest unconfirmed) before the first fetch. */
  get offset(): number {
    const first = this.#held.keys().next();
    return first.done ? this.#newest + 1 : first.value;
  }

  /** How many updates a poll from the offset returns that were fetched before. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** Fetched and neither handled nor parked. */
  get unhandled(): number {
    let count = 0;
    for (const fetched of this.#held.values()) if (!fetched.done) count += 1;
    return count;
  }

  /** The new updates among those a poll returned, now in flight. */
  take(updates: readonly Update[]): Update[] {
    const fresh = updates.filter((update) => update.update_id > this.#newest);
    for (const update of fresh) {
      this.#held.set(update.update_id, { update, done: false });
      this.#newest = update.update_id;
    }
    return fresh;
  }

  /** Handled (or failed and apologised for): no longer holds the offset. True when it had been parked. */
  finished(updateId: number): boolean {
    if (this.#parked.delete(updateId)) return true;
    const fetched = this.#held.get(updateId);
    if (fetched) fetched.done = true;
    this.#advance();
    return false;
  }

  /** The updates in flight to park now: from the lowest on, each that holds too many fetched ones back. */
  toPark(): Update[] {
    const held = [...this.#held.values()];
    const park: Update[] = [];
    for (const [index, fetched] of held.entries()) {
      if (held.length - index <= MOST_HELD) break;
      if (!fetched.done) park.push(fetched.update);
    }
    return park;
  }

  /**
   * Stored for the next start: they no longer hold the offset, and when handled here their copy is dropped. Returns
   * those handled while they were being stored, whose copies are to be dropped now.
   */
  parked(updates: readonly Update[]): number[] {
    const handledMeanwhile: number[] = [];
    for (const { update_id: id } of updates) {
      if (this.#parked.has(id)) continue;
      const fetched = this.#held.get(id);
      this.#held.delete(id);
      // Gone from the held ones (handled, and the offset moved past it) or handled and still held: either way done.
      if (!fetched || fetched.done) handledMeanwhile.push(id);
      else this.#parked.add(id);
    }
    this.#advance();
    return handledMeanwhile;
  }

  /** Resolves when the offset moves, after `timeoutMs`, or when `signal` aborts. */
  whenMoved(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.#moved.push(done);
    });
  }

  #advance(): void {
    const before = this.offset;
    for (const [id, fetched] of this.#held) {
      if (!fetched.done) break;
      this.#held.delete(id);
    }
    if (this.offset !== before) for (const wake of this.#moved.splice(0)) wake();
  }
}

/** Where parked updates go: stored for the next start, and dropped once handled here. */
export interface ParkedUpdates {
  storeUnfinished(updates: readonly Update[]): Promise<void>;
  dropUnfinished(updateIds: readonly number[]): void;
}

export interface Polling {
  runner: RunnerHandle;
  polled: PolledUpdates;
}

/**
 * Long polling with the runner's concurrent sink (POLLING_CONCURRENCY updates handled at once), fetching with the
 * offset rule of `PolledUpdates` instead of the runner's own fetcher, which confirms each batch by the next poll
 * while its updates are still being handled.
 */
export function startPolling<C extends Context>(
  bot: Bot<C>,
  options: { allowedUpdates: readonly string[]; parking: ParkedUpdates; logger: Logger },
): Polling {
  const { parking, logger } = options;
  const polled = new PolledUpdates();

  const park = async () => {
    const updates = polled.toPark();
    if (updates.length === 0) return;
    try {
      await parking.storeUnfinished(updates);
      const handledMeanwhile = polled.parked(updates);
      if (handledMeanwhile.length > 0) parking.dropUnfinished(handledMeanwhile);
      logger.info({ update_ids: updates.map((update) => update.update_id) }, 'updates still in flight parked for the next start, so polling goes on');
    } catch (error) {
      // Not parked, they go on holding the offset: polling slows, nothing is lost.
      logger.warn({ err: error }, 'could not park the updates holding the offset');
    }
  };

  const fetch = async (batchSize: number, signal: AbortSignal): Promise<Update[]> => {
    for (let retryIn = FIRST_RETRY_MS; ; retryIn = Math.min(retryIn * 2, LAST_RETRY_MS)) {
      const held = polled.heldCount;
      try {
        return await bot.api.getUpdates(
          {
            offset: polled.offset,
            limit: Math.min(FETCH_LIMIT, held + Math.max(1, batchSize)),
            // Telegram answers at once while it holds updates from the offset on.
            timeout: held > 0 ? 0 : LONG_POLL_SECONDS,
            allowed_updates: options.allowedUpdates as never,
          },
          // grammY's own signal type is the shim's; a native signal works the same.
          signal as unknown as Parameters<typeof bot.api.getUpdates>[1],
        );
      } catch (error) {
        if (signal.aborted) throw error;
        // Another instance polls, or the token is gone: the runner stops.
        if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 409)) throw error;
        logger.warn({ err: error, retry_in_ms: retryIn }, 'getUpdates failed; polling again');
        await sleep(retryIn, undefined, { signal }).catch(() => undefined);
      }
    }
  };

  const supplier: UpdateSupplier<Update> = {
    async supply(batchSize, stopSignal) {
      // The runner's signal comes from an AbortController shim, which Node's timers do not take.
      const stop = new AbortController();
      stopSignal.addEventListener('abort', () => stop.abort());
      if (stopSignal.aborted) stop.abort();
      const { signal } = stop;
      await park();
      const fresh = polled.take(await fetch(batchSize, signal));
      // Only updates in flight came back: poll again once one of them is handled, not at once.
      if (fresh.length === 0 && polled.heldCount > 0) await polled.whenMoved(HELD_POLL_INTERVAL_MS, signal);
      return fresh;
    },
  };
  const finish = (updateId: number) => {
    if (polled.finished(updateId)) parking.dropUnfinished([updateId]);
  };
  const consumer = {
    consume: (update: Update) =>
      bot.handleUpdate(update).then(
        () => finish(update.update_id),
        (error: unknown) => {
          // Left unfinished by the shutdown: it holds the offset, so Telegram sends it again at the next start.
          if (!(error instanceof BotError && error.error instanceof UpdateLeftUnfinished)) finish(update.update_id);
          throw error;
        },
      ),
  };
  const sink = createConcurrentSink<Update>(
    consumer,
    async (error) => {
      try {
        await bot.errorHandler(error as BotError<C>);
      } catch (failure) {
        logger.error({ err: failure }, 'the bot error handler failed');
      }
    },
    { concurrency: POLLING_CONCURRENCY },
  );
  const runner = createRunner(createSource(supplier), sink);
  runner.start();
  return { runner, polled };
}

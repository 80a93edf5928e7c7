import type { DatabasePool } from 'slonik';
import { deleteHandledUpdatesBefore, highestHandledUpdate, isUpdateHandled, recordHandledUpdates } from '../../db/handledUpdates.ts';
import { listUnfinishedUpdates, storeUnfinishedUpdates, type StoredUpdate } from '../../db/unfinishedUpdates.ts';

export type { StoredUpdate };

/** Handled ids, and the stored copies of parked updates to drop, go to the database in one statement at most this often (and at stop). */
const RECORD_INTERVAL_MS = 1000;
/** Ids this process handled, remembered so a redelivery to it needs no statement. */
const REMEMBERED_IDS = 10_000;

/**
 * Which updates were handled, so one Telegram delivers again is skipped, and the polled updates parked for the
 * next start (they held the polling offset too long, see telegram/polling.ts). In polling mode update ids only grow, so only an id at or below the highest
 * recorded before this start can be a redelivery and costs a statement; with a webhook (several instances may
 * share the ids) every id not handled here is looked up.
 */
export interface UpdateLedger {
  wasHandled(updateId: number): boolean | Promise<boolean>;
  /** Remembered at once, in the database within a second. */
  markHandled(updateId: number): void;
  /** Writes the handled ids not yet in the database. */
  flush(): Promise<void>;
  storeUnfinished(updates: readonly StoredUpdate[]): Promise<void>;
  unfinished(): Promise<StoredUpdate[]>;
  /**
   * Parked updates done at last: their stored copies go with the next write of handled ids (a copy left by a crash
   * before it is handled again at the next start, or skipped as handled).
   */
  dropUnfinished(updateIds: readonly number[]): void;
  forgetBefore(before: Date): Promise<number>;
}

export function createUpdateLedger(pool: DatabasePool, options: { idsOnlyGrow: boolean }): UpdateLedger {
  const remembered = new Set<number>();
  let unrecorded: number[] = [];
  let storedCopiesDone: number[] = [];
  // Polling: read once, at the first update.
  let highestBeforeStart: number | Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let recording: Promise<void> = Promise.resolve();

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = { handled: unrecorded, storedCopiesDone };
    unrecorded = [];
    storedCopiesDone = [];
    // A record lost (the database away) costs at most handling a redelivered update again, which is harmless.
    if (batch.handled.length > 0 || batch.storedCopiesDone.length > 0) recording = recording.then(() => recordHandledUpdates(pool, batch)).catch(() => undefined);
    return recording;
  };
  const flushSoon = () => {
    timer ??= setTimeout(() => void flush(), RECORD_INTERVAL_MS).unref();
  };

  return {
    wasHandled(updateId) {
      if (remembered.has(updateId)) return true;
      if (!options.idsOnlyGrow) return isUpdateHandled(pool, updateId);
      if (typeof highestBeforeStart === 'number') return updateId <= highestBeforeStart && isUpdateHandled(pool, updateId);
      highestBeforeStart ??= highestHandledUpdate(pool).then(
        (highest) => (highestBeforeStart = highest),
        (error: unknown) => {
          highestBeforeStart = undefined;
          throw error;
        },
      );
      return highestBeforeStart.then((highest) => updateId <= highest && isUpdateHandled(pool, updateId));
    },
    markHandled(updateId) {
      remembered.add(updateId);
      if (remembered.size > REMEMBERED_IDS) remembered.delete(remembered.values().next().value ?? updateId);
      unrecorded.push(updateId);
      flushSoon();
    },
    flush,
    storeUnfinished: (updates) => storeUnfinishedUpdates(pool, updates),
    unfinished: () => listUnfinishedUpdates(pool),
    dropUnfinished(updateIds) {
      storedCopiesDone.push(...updateIds);
      flushSoon();
    },
    forgetBefore: (before) => deleteHandledUpdatesBefore(pool, before),
  };
}

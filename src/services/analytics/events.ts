import type { DatabasePool } from 'slonik';
import { insertAnalyticsEvents, type NewAnalyticsEvent } from '../../db/analyticsEvents.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../platform/clock.ts';

/** What the bot records: a command (typed, or from a menu or inline button), a tap, a conversation's course, an error. */
export type AnalyticsEventType = 'command' | 'button' | 'conversation_started' | 'conversation_finished' | 'conversation_abandoned' | 'error';

export interface AnalyticsEvent {
  /** users.id of a registered user, else null. */
  userId: number | null;
  type: AnalyticsEventType;
  /** A command name, a callback data prefix, a conversation's name: never text a user typed. */
  name: string;
  properties?: Readonly<Record<string, string | number | boolean>>;
  sessionId: string | null;
}

export interface AnalyticsRecorder {
  /** Queues an event and returns at once; never throws. A full queue drops the event. */
  record(event: AnalyticsEvent): void;
  /** Resolves once everything queued so far is written (or dropped): for tests and shutdown. */
  flush(): Promise<void>;
  /** Writes what is queued, and takes no more events. */
  stop(): Promise<void>;
}

export interface RecorderOptions {
  /** Events written per statement. */
  batchSize?: number;
  /** Events held at most; more are dropped until the queue drains. */
  maxQueued?: number;
  /** How long an event waits for others to share its statement. */
  flushDelayMs?: number;
}

/**
 * Analytics never slow a reply: events go into a bounded in-memory queue, written in batches by a timer
 * (fire-and-forget, one write at a time). Losing what is queued on a crash is accepted. A failing write is
 * logged once (and once when writes work again) and its batch dropped; the user never notices.
 */
export function createAnalyticsRecorder(deps: { pool: DatabasePool; clock: Clock; logger: Logger }, options: RecorderOptions = {}): AnalyticsRecorder {
  const { batchSize = 200, maxQueued = 10_000, flushDelayMs = 1_000 } = options;
  const queue: NewAnalyticsEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let failing = false;
  let dropping = false;
  let stopped = false;

  async function writeQueued(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, batchSize);
      try {
        await insertAnalyticsEvents(deps.pool, batch);
        if (failing) deps.logger.info('analytics events are stored again');
        failing = false;
      } catch (error) {
        if (!failing) deps.logger.warn({ err: error, dropped: batch.length }, 'analytics events could not be stored; dropping them until storing works again');
        failing = true;
      }
    }
    dropping = false;
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing ??= writeQueued().finally(() => {
      writing = undefined;
    });
    return writing;
  }

  function scheduleFlush(): void {
    if (timer || stopped) return;
    timer = setTimeout(() => void flush(), queue.length >= batchSize ? 0 : flushDelayMs);
    timer.unref();
  }

  return {
    record(event) {
      if (stopped) return;
      if (queue.length >= maxQueued) {
        if (!dropping) deps.logger.warn({ queued: queue.length }, 'analytics queue is full; dropping events until it drains');
        dropping = true;
        return;
      }
      try {
        queue.push({ ...event, properties: event.properties ?? {}, at: deps.clock() });
      } catch (error) {
        deps.logger.warn({ err: error }, 'analytics event not recorded');
        return;
      }
      scheduleFlush();
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}

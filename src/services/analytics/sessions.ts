import { randomUUID } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';

/** A session ends after this long without an update from the user. */
export const SESSION_IDLE_MS = 30 * 60_000;

export interface SessionTracker {
  /** The id of the user's current session (a new one after 30 idle minutes). */
  sessionOf(telegramId: number): string;
}

/**
 * Sessions group a user's events (before and after they register) without storing who they are on Telegram:
 * a random id per stretch of activity, kept in memory only (an instance restart starts new sessions), for at
 * most `maxTracked` users at a time, least recently active forgotten first.
 */
export function createSessionTracker(clock: Clock, maxTracked = 50_000): SessionTracker {
  const sessions = new Map<number, { id: string; lastSeen: number }>();
  return {
    sessionOf(telegramId) {
      const now = clock().getTime();
      const current = sessions.get(telegramId);
      const id = current && now - current.lastSeen < SESSION_IDLE_MS ? current.id : randomUUID();
      // Re-inserted, so the map's order is least recently seen first.
      sessions.delete(telegramId);
      sessions.set(telegramId, { id, lastSeen: now });
      if (sessions.size > maxTracked) {
        const oldest = sessions.keys().next();
        if (!oldest.done) sessions.delete(oldest.value);
      }
      return id;
    },
  };
}

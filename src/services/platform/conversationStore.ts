import type { DatabasePool } from 'slonik';
import {
  deleteConversationState,
  deleteExpiryMarkersBefore,
  expireConversationsIdleSince,
  readConversationState,
  takeExpiredConversation,
  writeConversationState,
  type StoredConversation,
} from '../../db/conversationStates.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from './clock.ts';
import { createSealer } from './sealing.ts';

export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A conversation left without an answer this long is closed, and what the user typed in it deleted. */
export const CONVERSATION_IDLE_MS = 30 * 60_000;
const MARKER_KEPT_MS = 30 * 24 * 60 * 60_000;

export interface ConversationStateStore<T> extends KeyValueStore<T> {
  /** Closes every conversation idle for 30 minutes at `now`; returns how many. */
  expireIdle(now: Date): Promise<number>;
  /** The state of what `read` would have read under this key, read by the caller in this update. */
  fromStored(key: string, stored: StoredConversation): T | undefined;
  /**
   * The flows of a conversation that expired under this key, reported once; null when none did. Known from
   * the read of this update's state (no query of its own unless there is something to report).
   */
  takeExpired(key: string): Promise<readonly string[] | null>;
}

/**
 * Conversation state replays every update of a conversation, so it holds what users typed, PINs included.
 * It is stored encrypted with AES-256-GCM under a key derived from STATE_SECRET (a row that cannot be
 * decrypted, after the secret changed, is treated as no conversation), and deleted after 30 idle minutes.
 * `flowsOf` names the flows a state holds (kept in clear, so an expiry can tell the user which one ended).
 */
export function createConversationStore<T>(deps: {
  pool: DatabasePool;
  secret: string;
  logger: Logger;
  flowsOf: (value: T) => readonly string[];
  clock: Clock;
}): ConversationStateStore<T> {
  const { pool } = deps;
  const sealer = createSealer(deps.secret, 'conversation-state');
  // Keys whose read found an expiry marker instead of a state, until the notice is given.
  const expiredSeen = new Map<string, readonly string[]>();
  const fromStored = (storageKey: string, { state: stored, expiredFlows }: StoredConversation): T | undefined => {
    if (!stored) {
      if (expiredFlows) expiredSeen.set(storageKey, expiredFlows);
      return undefined;
    }
    try {
      return JSON.parse(sealer.open(stored)) as T;
    } catch {
      deps.logger.warn({ storageKey }, 'conversation state could not be decrypted; starting afresh');
      return undefined;
    }
  };
  return {
    read: async (storageKey) => fromStored(storageKey, await readConversationState(pool, storageKey)),
    fromStored,
    write: (storageKey, value) => writeConversationState(pool, storageKey, sealer.seal(JSON.stringify(value)), deps.flowsOf(value), deps.clock()),
    delete: (storageKey) => deleteConversationState(pool, storageKey),
    async expireIdle(now) {
      await deleteExpiryMarkersBefore(pool, new Date(now.getTime() - MARKER_KEPT_MS));
      return expireConversationsIdleSince(pool, new Date(now.getTime() - CONVERSATION_IDLE_MS));
    },
    async takeExpired(storageKey) {
      if (!expiredSeen.delete(storageKey)) return null;
      return takeExpiredConversation(pool, storageKey);
    },
  };
}

import type { DatabasePool } from 'slonik';
import { deleteConversationState, readConversationState, writeConversationState } from '../../db/conversationStates.ts';
import type { Logger } from '../../logger.ts';
import { createSealer } from './sealing.ts';

export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Conversation state replays every update of a conversation, so it holds what users typed, PINs included.
 * It is stored encrypted with AES-256-GCM under a key derived from a secret only the bot has; a row that
 * cannot be decrypted (the secret changed) is treated as no conversation.
 */
export function createConversationStore<T>(deps: { pool: DatabasePool; secret: string; logger: Logger }): KeyValueStore<T> {
  const sealer = createSealer(deps.secret, 'conversation-state');
  const encrypt = (value: T): Buffer => sealer.seal(JSON.stringify(value));
  const decrypt = (stored: Buffer): T => JSON.parse(sealer.open(stored)) as T;

  return {
    async read(storageKey) {
      const stored = await readConversationState(deps.pool, storageKey);
      if (!stored) return undefined;
      try {
        return decrypt(stored);
      } catch {
        deps.logger.warn({ storageKey }, 'conversation state could not be decrypted; starting afresh');
        return undefined;
      }
    },
    write: (storageKey, value) => writeConversationState(deps.pool, storageKey, encrypt(value)),
    delete: (storageKey) => deleteConversationState(deps.pool, storageKey),
  };
}

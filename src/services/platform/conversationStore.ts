import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { deleteConversationState, readConversationState, writeConversationState } from '../../db/conversationStates.ts';
import type { Logger } from '../../logger.ts';

export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * Conversation state replays every update of a conversation, so it holds what users typed, PINs included.
 * It is stored encrypted with AES-256-GCM under a key derived from a secret only the bot has; a row that
 * cannot be decrypted (the secret changed) is treated as no conversation.
 */
export function createConversationStore<T>(deps: { pool: DatabasePool; secret: string; logger: Logger }): KeyValueStore<T> {
  const key = Buffer.from(hkdfSync('sha256', deps.secret, 'tradebot', 'conversation-state', 32));

  function encrypt(value: T): Buffer {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  function decrypt(stored: Buffer): T {
    const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(0, IV_LENGTH));
    decipher.setAuthTag(stored.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
    const body = Buffer.concat([decipher.update(stored.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]);
    return JSON.parse(body.toString('utf8')) as T;
  }

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

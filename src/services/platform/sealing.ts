import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** Encrypts what must not be readable in the database or a backup: conversation state, gift card codes. */
export interface Sealer {
  seal(plain: string): Buffer;
  /** Throws when the bytes were not sealed with this secret and purpose (or were altered). */
  open(sealed: Buffer): string;
}

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from the bot's secret and a purpose, so each purpose has its
 * own key: a random 12-byte IV, then the 16-byte tag, then the ciphertext.
 */
export function createSealer(secret: string, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'tradebot', purpose, 32));
  return {
    seal(plain) {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_LENGTH));
      decipher.setAuthTag(sealed.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
      return Buffer.concat([decipher.update(sealed.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]).toString('utf8');
    },
  };
}

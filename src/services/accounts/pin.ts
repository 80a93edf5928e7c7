import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { invalid, valid, type Checked } from '../common/validation.ts';

// OWASP's scrypt parameters; the encoded hash (about 90 characters) fits users.password VARCHAR(128).
const COST = 2 ** 17;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(pin: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Stored as `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without a migration. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(pin, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const isRepeated = (digits: string) => /^(\d)\1+$/.test(digits);
const isSequence = (digits: string) => '0123456789'.includes(digits) || '9876543210'.includes(digits);

/** A transaction PIN: 4 to 6 digits, not one that anyone would guess first. */
export function checkPinFormat(text: string): Checked<string> {
  const pin = text.trim();
  if (!/^\d{4,6}$/.test(pin)) return invalid('A PIN is 4 to 6 digits and nothing else, e.g. 4827.');
  if (isRepeated(pin) || isSequence(pin)) {
    return invalid('That PIN is too easy to guess (repeated or consecutive digits). Choose another, e.g. 4827.');
  }
  return valid(pin);
}

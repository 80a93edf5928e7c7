import { randomInt } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a reference read out over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type ReferencePrefix = 'BUY' | 'SELL' | 'DEP' | 'WD' | 'GC' | 'MKT' | 'CWD' | 'CDP';

/** A request's reference, e.g. BUY-7K3M9QX2 (40 bits random): in payment notes, chats and support calls. */
export function newReference(prefix: ReferencePrefix): string {
  return `${prefix}-${Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

import { randomInt } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a reference read out over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A payment reference users type into their momo or bank transfer, e.g. BUY-7K3M9QX2 (40 bits random). */
export function newReference(prefix: 'BUY' | 'SELL' | 'DEP' | 'WD'): string {
  return `${prefix}-${Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

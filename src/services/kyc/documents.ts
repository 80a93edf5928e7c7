import type { DocumentType } from '../../db/kycSubmissions.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

export type { DocumentType };

export const DOCUMENT_LABELS: Record<DocumentType, string> = {
  NATIONAL_ID: 'Ghana Card',
  PASSPORT: 'Passport',
  DRIVER_LICENSE: "Driver's licence",
};

/** A passport has no back side worth checking; the other documents do. */
export function needsBackPhoto(type: DocumentType): boolean {
  return type !== 'PASSPORT';
}

/** Document numbers, normalised: Ghana Card GHA-#########-#, passport 6–9 letters/digits, licence 6–20. */
export function checkDocumentNumber(type: DocumentType, text: string): Checked<string> {
  const compact = text.trim().toUpperCase().replace(/[\s-]/g, '');
  if (type === 'NATIONAL_ID') {
    const match = /^GHA(\d{9})(\d)$/.exec(compact);
    return match ? valid(`GHA-${match[1]}-${match[2]}`) : invalid('A Ghana Card number looks like GHA-123456789-0 (GHA, 9 digits, 1 digit). Please type it again.');
  }
  if (type === 'PASSPORT') {
    return /^[A-Z0-9]{6,9}$/.test(compact) && /\d/.test(compact)
      ? valid(compact)
      : invalid('A passport number is 6 to 9 letters and digits, e.g. G1234567. Please type it again.');
  }
  const licence = text.trim().toUpperCase().replace(/\s+/g, '');
  return /^[A-Z0-9][A-Z0-9-]{4,18}[A-Z0-9]$/.test(licence) && /\d/.test(licence)
    ? valid(licence)
    : invalid("A driver's licence number is 6 to 20 letters, digits and dashes, e.g. KAS-12345678. Please type it again.");
}

const MINIMUM_AGE = 18;

/** 2000-01-31 or 31/01/2000: a real date, not in the future, and 18 or older on `today` (YYYY-MM-DD). */
export function checkDateOfBirth(text: string, today: string): Checked<string> {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dayFirst = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(trimmed);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : dayFirst
      ? [Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1])]
      : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return invalid('Please type your date of birth as on your ID, like 2000-01-31 or 31/01/2000.');
  }
  const value = date.toISOString().slice(0, 10);
  if (year < 1900 || value > today) return invalid('That date is not possible for a date of birth. Please check it and type it again.');
  const [todayYear, todayRest] = [Number(today.slice(0, 4)), today.slice(4)];
  const age = todayYear - year - (todayRest < value.slice(4) ? 1 : 0);
  if (age < MINIMUM_AGE) return invalid(`You must be ${MINIMUM_AGE} or older to trade here.`);
  return valid(value);
}

export function checkAddress(text: string): Checked<string> {
  const address = text.trim().replace(/\s+/g, ' ');
  if (address.length < 8 || address.length > 300 || !/\p{L}/u.test(address)) {
    return invalid('Please type your home address with house number, street and town, e.g. House 12, Oxford Street, Osu, Accra (or your GhanaPost GPS address).');
  }
  return valid(address);
}

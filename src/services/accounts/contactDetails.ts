import { z } from 'zod';
import { invalid, valid, type Checked } from '../common/validation.ts';

const emailSchema = z.email();

export function checkEmail(text: string): Checked<string> {
  const email = text.trim();
  if (email.length > 254 || !emailSchema.safeParse(email).success) {
    return invalid('That is not a valid e-mail address. Type it like ama@example.com.');
  }
  return valid(email);
}

/**
 * A Ghana number typed by hand, in any usual form (024 123 4567, +233 24 123 4567, 233241234567,
 * +233 024…), normalised to +233 and the 9-digit national number. Mobile and fixed lines start with 2, 3 or 5.
 */
export function checkGhanaPhone(text: string): Checked<string> {
  const digits = text.replace(/[\s\-().]/g, '');
  const match = /^(?:\+?233|0)0?([235]\d{8})$/.exec(digits);
  if (!match) return invalid("That doesn't look like a Ghana phone number. Type it like 024 123 4567 or +233 24 123 4567.");
  return valid(`+233${match[1]}`);
}

/** A number from a shared Telegram contact (any country), as +digits. */
export function normaliseContactPhone(phoneNumber: string): Checked<string> {
  const digits = phoneNumber.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return invalid('Telegram sent a phone number I cannot use. Type your number instead, e.g. 024 123 4567.');
  return valid(`+${digits}`);
}

const NAME_MAX_LENGTH = 100;

/** A personal name as on an ID: letters (any script) with spaces, hyphens, apostrophes and dots. */
export function checkPersonName(text: string): Checked<string> {
  const name = text.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > NAME_MAX_LENGTH || !/^\p{L}[\p{L}\p{M}' .-]*$/u.test(name)) {
    return invalid(`Use letters only (spaces, - and ' are fine), at most ${NAME_MAX_LENGTH} characters, e.g. Ama.`);
  }
  return valid(name);
}

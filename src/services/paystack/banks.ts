import type { ListedBank } from './client.ts';

/**
 * Which bank of Paystack's list a withdrawal's bank name means. Users pick from GHANA_BANKS or type a name; Paystack
 * lists the registered names ("GCB Bank Limited", "Absa Bank Ghana Ltd"), so both are reduced to what tells banks
 * apart: case, accents, punctuation and spacing go, and so do the words every Ghanaian bank's name may or may not
 * carry (Bank, Ghana, Limited, PLC…). A name naming no bank, or several, is not guessed: a person pays it.
 */
export type BankMatch = { status: 'matched'; bank: ListedBank } | { status: 'unknown'; candidates: readonly string[] };

const FILLER_WORDS = new Set(['bank', 'ghana', 'gh', 'limited', 'ltd', 'plc', 'company', 'co', 'the']);

/** "GCB Bank Limited", "gcb bank" → "gcb"; "CalBank PLC", "CAL Bank Limited" → "cal"; empty when nothing is left. */
export function bankNameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !FILLER_WORDS.has(word))
    .map((word) => word.replace(/bank$/, ''))
    .join('');
}

/** The one active Ghanaian bank (`ghipss`) of Paystack's list whose name means `bankName`. */
export function matchBank(bankName: string, listed: readonly ListedBank[]): BankMatch {
  const key = bankNameKey(bankName);
  const candidates = key === '' ? [] : listed.filter((bank) => bank.type === 'ghipss' && bank.active !== false && bank.is_deleted !== true && bankNameKey(bank.name) === key);
  const [only] = candidates;
  return only && candidates.length === 1 ? { status: 'matched', bank: only } : { status: 'unknown', candidates: candidates.map((bank) => bank.name) };
}

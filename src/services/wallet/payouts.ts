import { MOMO_NETWORKS, type PayoutDetails, type WithdrawalRow } from '../../db/cashWithdrawals.ts';
import { checkGhanaPhone, checkPersonName } from '../accounts/contactDetails.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

export { MOMO_NETWORKS, type PayoutDetails };

/** Banks offered as buttons; any other can be typed. */
export const GHANA_BANKS = ['GCB Bank', 'Ecobank', 'Stanbic Bank', 'Absa Bank', 'Fidelity Bank', 'CalBank', 'Zenith Bank', 'Access Bank'] as const;

/** A momo wallet number, stored in the local form admins dial: 0 and 9 digits. */
export function checkMomoNumber(text: string): Checked<string> {
  const phone = checkGhanaPhone(text);
  return phone.ok ? valid(`0${phone.value.slice(4)}`) : invalid('That is not a Ghana mobile money number. Type it like 024 123 4567.');
}

export function checkBankAccountNumber(text: string): Checked<string> {
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{8,20}$/.test(digits) ? valid(digits) : invalid('A bank account number is 8 to 20 digits, e.g. 1234567890123.');
}

export function checkBankName(text: string): Checked<string> {
  const name = text.trim().replace(/\s+/g, ' ');
  return name.length >= 2 && name.length <= 100 && /\p{L}/u.test(name) ? valid(name) : invalid('Type the name of the bank, e.g. GCB Bank.');
}

/** The name on the account, as the network or bank shows it to the payer. */
export function checkAccountName(text: string): Checked<string> {
  const checked = checkPersonName(text);
  return checked.ok && checked.value.includes(' ') ? checked : invalid('Type the full name on the account, e.g. Ama Mensah.');
}

/** Where a withdrawal is paid, in one line: "MTN mobile money 0241234567, name Ama Mensah". */
export function describePayout(row: Pick<WithdrawalRow, 'method' | 'momo_network' | 'bank_name' | 'account_number' | 'account_name'>): string {
  return row.method === 'momo'
    ? `${row.momo_network ?? ''} mobile money ${row.account_number}, name ${row.account_name}`
    : `${row.bank_name ?? ''}, account ${row.account_number}, name ${row.account_name}`;
}

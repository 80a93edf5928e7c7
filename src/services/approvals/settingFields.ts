import Big from 'big.js';
import type { SettingField } from '../admin/settingFields.ts';
import { formatGhs, parseAmount } from '../common/amounts.ts';
import { invalid, valid } from '../common/validation.ts';

/** Four eyes in /settings: an approval moving at least this much needs a second, different admin (0 = off). */
export const SECOND_APPROVAL_FIELD: SettingField = {
  key: 'second_approval_above_ghs',
  label: 'Second approval above (GHS)',
  prompt:
    'Type the amount in cedis from which an approval needs a second, different admin before money moves (payouts: before anyone may pay), e.g. 5000; 0 turns it off',
  format: (settings) => {
    const threshold = String(settings.second_approval_above_ghs);
    return new Big(threshold).gt(0) ? `${formatGhs(threshold)} and more` : 'off (0): one admin approves any amount';
  },
  parse: (text) => {
    if (/^(0+(\.0*)?|off)$/iu.test(text.trim())) return valid({ second_approval_above_ghs: '0.00' });
    const amount = parseAmount(text, 'GHS');
    return amount.ok && amount.value.currency === 'GHS'
      ? valid({ second_approval_above_ghs: new Big(amount.value.amount).toFixed(2) })
      : invalid('Type an amount in cedis with at most 2 decimals, e.g. 5000, or 0 to turn it off');
  },
};

import { cediThresholdSetting } from '../admin/settingFields.ts';

/** Four eyes in /settings: an approval moving at least this much needs a second, different admin (0 = off). */
export const SECOND_APPROVAL_FIELD = cediThresholdSetting({
  key: 'second_approval_above_ghs',
  label: 'Second approval above (GHS)',
  prompt:
    'Type the amount in cedis from which an approval needs a second, different admin before money moves (payouts: before anyone may pay), e.g. 5000; 0 turns it off',
  example: '5000',
  shown: (amount) => `${amount} and more`,
  off: 'off (0): one admin approves any amount',
});

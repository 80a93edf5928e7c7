import { cediThresholdSetting } from '../admin/settingFields.ts';

/** /settings: a buy paid by Paystack for less than this is credited with no admin (0 = every one goes to the admins). */
export const PAYSTACK_AUTO_BUY_FIELD = cediThresholdSetting({
  key: 'paystack_auto_buy_below_ghs',
  label: 'Paystack buys credited alone below (GHS)',
  prompt:
    'Type the amount in cedis below which a buy paid by instant mobile money (Paystack) is credited with no admin, e.g. 1000; 0 sends every one to the admins, marked paid',
  example: '1000',
  shown: (amount) => `below ${amount}`,
  off: 'off (0): an admin confirms every buy',
});

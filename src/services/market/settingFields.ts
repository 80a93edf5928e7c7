import { cediSetting, smallestNotAboveLargest, type SettingField } from '../admin/settingFields.ts';
import { invalid, valid } from '../common/validation.ts';

const orderValueLimit = smallestNotAboveLargest('market_min_order_ghs', 'market_max_order_ghs');

/** The market's settings in /settings: the smallest and largest order value, and how long orders stay open. */
export const MARKET_SETTING_FIELDS: readonly SettingField[] = [
  cediSetting('market_min_order_ghs', 'Smallest market order value', '10', orderValueLimit),
  cediSetting('market_max_order_ghs', 'Largest market order value', '50000', orderValueLimit),
  {
    key: 'market_order_days',
    label: 'Market order lifetime',
    prompt: 'Type after how many days an open market order expires (its reserve goes back to the owner), from 1 to 90, e.g. 7',
    format: (settings) => `${String(settings.market_order_days)} days`,
    parse: (text) => {
      const value = text.trim().replace(/\s*days?$/i, '');
      if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 90) return invalid('Type a whole number of days from 1 to 90, e.g. 7');
      return valid({ market_order_days: Number(value) });
    },
  },
];

import type { SettingField } from '../admin/settingFields.ts';
import type { SettingsRow } from '../admin/settings.ts';
import { Big, formatAmount, readPositiveDecimal } from '../common/amounts.ts';
import { invalid, valid } from '../common/validation.ts';

const MIN = 'gift_card_min_face_value';
const MAX = 'gift_card_max_face_value';

const valueOf = (settings: SettingsRow, key: string): string => String(settings[key]);
const shown = (settings: SettingsRow, key: string): string => formatAmount(valueOf(settings, key));

function faceValueLimit(key: typeof MIN | typeof MAX, label: string, example: string): SettingField {
  return {
    key,
    label,
    prompt: `Type the ${label.toLowerCase()}, in the card's own currency (USD for a USD card), e.g. ${example}`,
    format: (settings) => `${shown(settings, key)} in the card's currency`,
    parse: (text) => {
      const read = readPositiveDecimal(text, 2);
      return read.ok && new Big(read.value).lt('1000000') ? valid({ [key]: new Big(read.value).toFixed(2) }) : invalid(`Type a face value above 0 and below 1,000,000 with at most 2 decimals, e.g. ${example}`);
    },
    check: (settings) =>
      new Big(valueOf(settings, MIN)).gt(valueOf(settings, MAX))
        ? `The smallest gift card face value (${shown(settings, MIN)}) cannot be above the largest (${shown(settings, MAX)}).`
        : null,
  };
}

/** The face values a gift card trade-in may have, in /settings (columns by migration 010). */
export const GIFT_CARD_SETTING_FIELDS: readonly SettingField[] = [
  faceValueLimit(MIN, 'Smallest gift card face value', '10'),
  faceValueLimit(MAX, 'Largest gift card face value', '2000'),
];

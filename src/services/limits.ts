import type { SettingsRow } from '../db/settings.ts';
import { Big, formatGhs } from './money.ts';

/** Every buy, sell, deposit and withdrawal is worth between the settings' minimum and maximum in cedis. */
export function amountLimitRefusal(settings: Pick<SettingsRow, 'min_amount_ghs' | 'max_amount_ghs'>, cedisAmount: string): string | null {
  if (new Big(cedisAmount).lt(settings.min_amount_ghs)) {
    return `The smallest amount is ${formatGhs(settings.min_amount_ghs)}. Please type a larger amount.`;
  }
  if (new Big(cedisAmount).gt(settings.max_amount_ghs)) {
    return `The largest amount is ${formatGhs(settings.max_amount_ghs)}. Please type a smaller amount.`;
  }
  return null;
}

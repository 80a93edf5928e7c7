import type { SettingsRow } from '../../db/settings.ts';
import type { MoneyRefusal } from '../accounts/moneyAccess.ts';
import { Big, formatGhs } from '../common/amounts.ts';
import type { MediaStore } from '../platform/mediaStore.ts';

/** What every money request (buy, sell, deposit, withdrawal) shares: how creating one ends, its limits, its proof. */
export type CreateResult =
  | { status: 'created'; id: number; reference: string }
  | { status: 'refused'; refusal: MoneyRefusal }
  | { status: 'expired' }
  | { status: 'insufficient' }
  | { status: 'invalid'; reason: string }
  | { status: 'invalid_image'; reason: string };

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

/**
 * Stores an optional payment screenshot, then creates the request with its path; the screenshot is removed
 * again when the request is not created (so only proofs of saved requests stay on disk).
 */
export async function withPaymentProof<R extends { status: string }>(
  media: MediaStore,
  proof: Buffer | null,
  create: (path: string | null) => Promise<R>,
): Promise<R | { status: 'invalid_image'; reason: string }> {
  if (!proof) return create(null);
  const stored = await media.storeImage(proof, 'proofs');
  if (!stored.ok) return { status: 'invalid_image', reason: stored.reason };
  try {
    const result = await create(stored.value.path);
    if (result.status !== 'created') await media.remove(stored.value.path);
    return result;
  } catch (error) {
    await media.remove(stored.value.path);
    throw error;
  }
}

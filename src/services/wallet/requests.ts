import { UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import type { SettingsRow } from '../../db/settings.ts';
import type { MoneyRefusal } from '../accounts/moneyAccess.ts';
import { Big, formatGhs } from '../common/amounts.ts';
import type { MediaStore } from '../platform/mediaStore.ts';

/** What every money request (buy, sell, deposit, withdrawal) shares: how creating one ends, its limits, its proof. */
export type CreateResult =
  /** `repeated`: the request already existed under this reference (a replayed step, a double tap). */
  | { status: 'created'; id: number; reference: string; repeated?: true }
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
 * Stores an optional payment screenshot, then records it with the request (`save` gets its path); the screenshot is
 * removed again unless `kept` says the result saved it (so only proofs of saved requests stay on disk).
 */
export async function withPaymentProof<R extends { status: string; repeated?: true }>(
  media: MediaStore,
  proof: Buffer | null,
  save: (path: string | null) => Promise<R>,
  // A repeat keeps the first one's proof.
  kept: (result: R) => boolean = (result) => result.status === 'created' && !result.repeated,
): Promise<R | { status: 'invalid_image'; reason: string }> {
  if (!proof) return save(null);
  const stored = await media.storeImage(proof, 'proofs');
  if (!stored.ok) return { status: 'invalid_image', reason: stored.reason };
  try {
    const result = await save(stored.value.path);
    if (!kept(result)) await media.remove(stored.value.path);
    return result;
  } catch (error) {
    await media.remove(stored.value.path);
    throw error;
  }
}

type FindByReference = (db: CommonQueryMethods) => Promise<{ id: number; user_id: number; reference: string } | null>;

function repeatOf(existing: { id: number; user_id: number; reference: string }, userId: number): CreateResult {
  // References are random and shown to one user; another user's reference is a bug, not a repeat.
  if (existing.user_id !== userId) throw new Error(`reference ${existing.reference} belongs to another user`);
  return { status: 'created', id: existing.id, reference: existing.reference, repeated: true };
}

/**
 * Creation is idempotent on the request's reference: when a step runs again (a crash between the commit and the
 * conversation's save, a replayed update), the request made the first time is returned and nothing is made twice.
 * `create` runs in the same transaction as the lookup; a concurrent twin loses on the unique reference.
 */
export async function createOnce(
  pool: DatabasePool,
  userId: number,
  findByReference: FindByReference,
  create: (tx: DatabaseTransactionConnection) => Promise<CreateResult>,
): Promise<CreateResult> {
  try {
    return await pool.transaction(async (tx) => {
      const existing = await findByReference(tx);
      return existing ? repeatOf(existing, userId) : create(tx);
    });
  } catch (error) {
    if (!(error instanceof UniqueIntegrityConstraintViolationError)) throw error;
    const existing = await findByReference(pool);
    if (!existing) throw error;
    return repeatOf(existing, userId);
  }
}

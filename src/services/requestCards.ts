import type { UserRow } from '../db/users.ts';
import type { MediaStore } from './mediaStore.ts';

/** Who asked, for every admin card: name, username, Telegram id, phone and e-mail. */
export function userCardFields(
  user: Pick<UserRow, 'first_name' | 'last_name' | 'username' | 'telegram_id' | 'phone' | 'email'>,
): [string, string][] {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return [
    ['User', `${name} (@${user.username}, Telegram id ${user.telegram_id ?? 'none'})`],
    ['Phone', user.phone ?? 'not given'],
    ['E-mail', user.email],
  ];
}

/** Thrown inside a transaction to roll it back with a known outcome (not a failure). */
export class Rollback<T> extends Error {
  readonly outcome: T;
  constructor(outcome: T) {
    super('rollback');
    this.outcome = outcome;
  }
}

/** Runs `work`, turning a Rollback thrown inside it into its outcome. */
export async function withRollback<T, R>(work: () => Promise<R>): Promise<R | T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Rollback) return error.outcome as T;
    throw error;
  }
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

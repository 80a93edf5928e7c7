import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { findUserById, readPinState, recordWrongPin, resetPinFailures, type UserRow } from '../../db/users.ts';
import type { Clock } from '../platform/clock.ts';
import { verifyPin } from './pin.ts';

export const MAX_PIN_ATTEMPTS = 5;
export const PIN_LOCK_MS = 15 * 60_000;

/** Why money cannot move for a user, if it cannot. */
export type MoneyRefusal =
  | { reason: 'not_registered' }
  | { reason: 'inactive' }
  | { reason: 'kyc_required'; kycStatus: 'pending' | 'rejected' }
  | { reason: 'pin_locked'; until: Date };

export type PinCheck = { status: 'ok' } | { status: 'wrong'; attemptsLeft: number } | { status: 'locked'; until: Date };

export interface MoneyAccess {
  /** Null when the user may move money: registered, active, KYC-approved and not locked out by wrong PINs. */
  refusal(userId: number, db?: CommonQueryMethods): Promise<MoneyRefusal | null>;
  /** The same for the user's row already read in this update (null: not registered), without reading it again. */
  refusalOf(user: Pick<UserRow, 'is_active' | 'kyc_status' | 'pin_locked_until'> | null): MoneyRefusal | null;
  /** Checks a transaction PIN; five wrong ones in a row lock money actions for 15 minutes. */
  checkPin(userId: number, pin: string): Promise<PinCheck>;
}

export function createMoneyAccess(deps: { pool: DatabasePool; clock: Clock }): MoneyAccess {
  const { pool, clock } = deps;

  function lockedUntil(lock: Date | null): Date | null {
    return lock && lock > clock() ? lock : null;
  }

  const refusalOf: MoneyAccess['refusalOf'] = (user) => {
    if (!user) return { reason: 'not_registered' };
    if (!user.is_active) return { reason: 'inactive' };
    if (user.kyc_status !== 'approved') return { reason: 'kyc_required', kycStatus: user.kyc_status };
    const until = lockedUntil(user.pin_locked_until);
    return until ? { reason: 'pin_locked', until } : null;
  };

  return {
    refusal: async (userId, db = pool) => refusalOf(await findUserById(db, userId)),
    refusalOf,

    async checkPin(userId, pin) {
      const state = await readPinState(pool, userId);
      if (!state) return { status: 'wrong', attemptsLeft: 0 };
      const until = lockedUntil(state.pin_locked_until);
      if (until) return { status: 'locked', until };
      if (await verifyPin(pin, state.password)) {
        await resetPinFailures(pool, userId);
        return { status: 'ok' };
      }
      const now = clock();
      const after = await recordWrongPin(pool, userId, { now, maxAttempts: MAX_PIN_ATTEMPTS, lockUntil: new Date(now.getTime() + PIN_LOCK_MS) });
      if (after.pin_locked_until) return { status: 'locked', until: after.pin_locked_until };
      return { status: 'wrong', attemptsLeft: MAX_PIN_ATTEMPTS - after.pin_failed_attempts };
    },
  };
}

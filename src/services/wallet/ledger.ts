import type { CommonQueryMethods } from 'slonik';
import { changeWalletBalances, type Account, type WalletRow } from '../../db/wallets.ts';
import { Big } from '../common/amounts.ts';

export type { Account };

export interface FundsMovement {
  userId: number;
  /** Signed amounts per balance, e.g. { crypto_available: '-25', crypto_reserved: '25' }. */
  changes: Partial<Record<Account, string>>;
  /** Why, e.g. 'sell_reserved'; stored on every ledger row. */
  reason: string;
  /** The request the movement belongs to. */
  reference: { kind: string; id: number };
}

/**
 * The one way balances change: the wallet update and its ledger rows, in the caller's transaction. Returns
 * the wallet after the change, or null (nothing changed) when a balance would go negative.
 */
export async function moveFunds(tx: CommonQueryMethods, movement: FundsMovement): Promise<WalletRow | null> {
  const changes = Object.fromEntries(Object.entries(movement.changes).filter(([, amount]) => !new Big(amount).eq(0)));
  if (Object.keys(changes).length === 0) throw new Error(`moveFunds: nothing to move for ${movement.reason}`);
  const { reason, reference } = movement;
  return changeWalletBalances(tx, movement.userId, changes, { reason, referenceKind: reference.kind, referenceId: reference.id });
}

import type { CommonQueryMethods } from 'slonik';
import { lockCryptoPosition, updateCryptoPosition } from '../../db/userMetrics.ts';
import { changeWalletBalances, type Account, type WalletRow } from '../../db/wallets.ts';
import { Big } from '../common/amounts.ts';
import { afterCryptoMovement } from './averageCost.ts';

export type { Account };

export interface FundsMovement {
  userId: number;
  /** Signed amounts per balance, e.g. { crypto_available: '-25', crypto_reserved: '25' }. */
  changes: Partial<Record<Account, string>>;
  /** Why, e.g. 'sell_reserved'; stored on every ledger row. */
  reason: string;
  /** The request the movement belongs to. */
  reference: { kind: string; id: number };
  /**
   * Required when crypto enters or leaves the wallet (not between its own balances): what it is worth in GHS, the
   * price paid for crypto coming in, the proceeds of crypto going out; null for a transfer without a price. The
   * user's average-cost position (user_metrics) follows it.
   */
  cryptoValueGhs?: string | null;
}

/** What a movement adds to the wallet's crypto (available and reserved together). */
function cryptoChange(changes: FundsMovement['changes']): Big {
  return new Big(changes.crypto_available ?? '0').plus(changes.crypto_reserved ?? '0');
}

/**
 * The one way balances change: the wallet update and its ledger rows, in the caller's transaction, and the user's
 * crypto position when crypto enters or leaves. Returns the wallet after the change, or null (nothing changed)
 * when a balance would go negative.
 */
export async function moveFunds(tx: CommonQueryMethods, movement: FundsMovement): Promise<WalletRow | null> {
  const changes = Object.fromEntries(Object.entries(movement.changes).filter(([, amount]) => !new Big(amount).eq(0)));
  if (Object.keys(changes).length === 0) throw new Error(`moveFunds: nothing to move for ${movement.reason}`);
  const crypto = cryptoChange(changes);
  const { reason, reference, cryptoValueGhs } = movement;
  if (!crypto.eq(0) && cryptoValueGhs === undefined) throw new Error(`moveFunds: ${reason} moves crypto in or out without its value`);
  const wallet = await changeWalletBalances(tx, movement.userId, changes, { reason, referenceKind: reference.kind, referenceId: reference.id });
  if (wallet && !crypto.eq(0)) {
    const before = await lockCryptoPosition(tx, movement.userId);
    const after = afterCryptoMovement(
      { position: before.market_position, cost: before.market_cost_ghs, profit: before.total_profit },
      crypto.toFixed(),
      cryptoValueGhs ?? null,
    );
    await updateCryptoPosition(tx, movement.userId, { market_position: after.position, market_cost_ghs: after.cost, total_profit: after.profit });
  }
  return wallet;
}

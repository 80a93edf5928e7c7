import { Big, CRYPTO_DECIMALS } from '../common/amounts.ts';

/**
 * A user's crypto position on an average-cost basis (user_metrics.market_position, market_cost_ghs, total_profit),
 * following every way crypto enters or leaves the wallet, on the market or at the desk:
 * - crypto in for c GHS (a market fill's total, a desk buy's price): position += q, cost += c;
 * - crypto out for p GHS (a market fill's total less the fee, a desk sell's payout): the part covered by the
 *   position, k = min(q, position), takes its share of the cost, s = cost × k / position (all of it when
 *   k = position); profit += p × k / q − s; position −= k, cost −= s;
 * - crypto out without a price (a transfer to the user's own wallet) takes its share of the cost, no profit;
 * - crypto in without a price (a transfer from outside) has no known cost: it stays out of the position, so
 *   selling it adds no profit.
 * Values are rounded half-up to 8 decimals (the columns' scale); the cost leaves with the last of the position.
 */
export interface Position {
  position: string;
  cost: string;
  profit: string;
}

export const NO_POSITION: Position = { position: '0', cost: '0', profit: '0' };

const places = (value: Big): string => value.round(CRYPTO_DECIMALS, Big.roundHalfUp).toFixed(CRYPTO_DECIMALS);

export function afterBuy(before: Position, amount: string, costGhs: string): Position {
  return {
    position: places(new Big(before.position).plus(amount)),
    cost: places(new Big(before.cost).plus(costGhs)),
    profit: before.profit,
  };
}

/** Crypto out: a sale for `proceedsGhs`, or a transfer when null. */
export function afterSell(before: Position, amount: string, proceedsGhs: string | null): Position {
  const position = new Big(before.position);
  const covered = position.lt(amount) ? position : new Big(amount);
  if (covered.eq(0)) return before;
  const costOut = covered.eq(position) ? new Big(before.cost) : new Big(before.cost).times(covered).div(position).round(CRYPTO_DECIMALS, Big.roundHalfUp);
  const proceeds = proceedsGhs === null ? costOut : new Big(proceedsGhs).times(covered).div(amount);
  return {
    position: places(position.minus(covered)),
    cost: places(new Big(before.cost).minus(costOut)),
    profit: places(new Big(before.profit).plus(proceeds).minus(costOut)),
  };
}

/** The position after crypto moved into (`crypto` > 0) or out of the wallet, worth `valueGhs` (null: no price). */
export function afterCryptoMovement(before: Position, crypto: string, valueGhs: string | null): Position {
  const amount = new Big(crypto);
  if (amount.gt(0)) return valueGhs === null ? before : afterBuy(before, amount.toFixed(), valueGhs);
  if (amount.lt(0)) return afterSell(before, amount.abs().toFixed(), valueGhs);
  return before;
}

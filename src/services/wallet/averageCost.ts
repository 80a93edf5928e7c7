import { Big, CRYPTO_DECIMALS } from '../common/amounts.ts';

/**
 * A user's market position on an average-cost basis (user_metrics.market_position, market_cost_ghs, total_profit):
 * - a buy of q for c GHS (the trade total): position += q, cost += c;
 * - a sell of q for p GHS (the trade total less the fee): the part covered by the position, k = min(q, position),
 *   takes its share of the cost, s = cost × k / position (all of it when k = position); profit += p × k / q − s;
 *   position −= k, cost −= s. Crypto that did not come from the market (a /buy at the desk) has no market cost,
 *   so the uncovered part of a sale adds no profit.
 * Values are rounded half-up to 8 decimals (the columns' scale); the cost leaves with the last of the position.
 */
export interface Position {
  position: string;
  cost: string;
  profit: string;
}

const places = (value: Big): string => value.round(CRYPTO_DECIMALS, Big.roundHalfUp).toFixed(CRYPTO_DECIMALS);

export function afterBuy(before: Position, amount: string, costGhs: string): Position {
  return {
    position: places(new Big(before.position).plus(amount)),
    cost: places(new Big(before.cost).plus(costGhs)),
    profit: before.profit,
  };
}

export function afterSell(before: Position, amount: string, proceedsGhs: string): Position {
  const position = new Big(before.position);
  const covered = position.lt(amount) ? position : new Big(amount);
  if (covered.eq(0)) return before;
  const costOut = covered.eq(position) ? new Big(before.cost) : new Big(before.cost).times(covered).div(position).round(CRYPTO_DECIMALS, Big.roundHalfUp);
  const proceeds = new Big(proceedsGhs).times(covered).div(amount);
  return {
    position: places(position.minus(covered)),
    cost: places(new Big(before.cost).minus(costOut)),
    profit: places(new Big(before.profit).plus(proceeds).minus(costOut)),
  };
}

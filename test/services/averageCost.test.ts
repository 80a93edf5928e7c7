import { describe, expect, it } from 'vitest';
import { afterCryptoMovement, NO_POSITION, type Position } from '../../src/services/wallet/averageCost.ts';

/**
 * The average-cost rule that both the live metrics (ledger.ts) and the nightly reconciliation apply, checked against
 * figures worked out by hand, so a change to the rule cannot pass by making both sides agree on a wrong number.
 */
type Movement = [crypto: string, valueGhs: string | null];

const replay = (movements: readonly Movement[], from: Position = NO_POSITION): Position =>
  movements.reduce((before, [crypto, valueGhs]) => afterCryptoMovement(before, crypto, valueGhs), from);

const position = (position: string, cost: string, profit: string): Position => ({ position, cost, profit });

describe('the average-cost position', () => {
  it('follows a buy, partial sells on and off the market, a withdrawal and deposits, step by step', () => {
    // Buy 10 for GHS 150: GHS 15 each.
    const bought = replay([['10', '150']]);
    expect(bought).toEqual(position('10.00000000', '150.00000000', '0'));
    // Sell 4 on the market for GHS 68 (17 each): they cost 150 × 4/10 = 60, so 8 is realised.
    const partSold = replay([['-4', '68']], bought);
    expect(partSold).toEqual(position('6.00000000', '90.00000000', '8.00000000'));
    // Sell 2 at the desk (outside the market) for GHS 34: cost 90 × 2/6 = 30, profit realised at its price, 4.
    const soldAtDesk = replay([['-2', '34']], partSold);
    expect(soldAtDesk).toEqual(position('4.00000000', '60.00000000', '12.00000000'));
    // Withdraw 1 to the user's own wallet: it leaves at its average cost (15), realising nothing.
    const withdrawn = replay([['-1', null]], soldAtDesk);
    expect(withdrawn).toEqual(position('3.00000000', '45.00000000', '12.00000000'));
    // A deposit of 5 entering at the desk's rate of GHS 16: cost 80 more; the average is now 125 / 8.
    const deposited = replay([['5', '80']], withdrawn);
    expect(deposited).toEqual(position('8.00000000', '125.00000000', '12.00000000'));
    // A deposit with no price has no known cost: it stays out of the position.
    expect(replay([['3', null]], deposited)).toEqual(deposited);
    // Selling 10 with 8 in the position: only 8 are covered, bringing 200 × 8/10 = 160 for their 125: 35 more.
    expect(replay([['-10', '200']], deposited)).toEqual(position('0.00000000', '0.00000000', '47.00000000'));
  });

  it("gives −10 for the issue's sequence: buy 10 at 15 on the market, sell them at the desk at 15, buy 10 at 17, sell them at 16", () => {
    expect(
      replay([
        ['10', '150'],
        ['-10', '150'],
        ['10', '170'],
        ['-10', '160'],
      ]),
    ).toEqual(position('0.00000000', '0.00000000', '-10.00000000'));
  });

  it('rounds each share of the cost half-up to 8 places and lets the last of the position take the rest, so no cost is lost', () => {
    // 3 for GHS 100, sold one at a time for GHS 40 each: 33.33333333, then 66.66666667 / 2 = 33.333333335 → 33.33333334, then the last 33.33333333.
    const first = replay([['3', '100'], ['-1', '40']]);
    expect(first).toEqual(position('2.00000000', '66.66666667', '6.66666667'));
    const second = replay([['-1', '40']], first);
    expect(second).toEqual(position('1.00000000', '33.33333333', '13.33333333'));
    expect(replay([['-1', '40']], second)).toEqual(position('0.00000000', '0.00000000', '20.00000000'));
  });

  it('changes nothing for no movement, nor for selling crypto that entered without a cost', () => {
    expect(replay([['0', '10']])).toEqual(NO_POSITION);
    // Crypto that came in without a cost and is sold: no position covers it, so no profit is counted.
    expect(replay([['5', null], ['-5', '80']])).toEqual(NO_POSITION);
  });
});

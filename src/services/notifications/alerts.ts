import type { DatabasePool } from 'slonik';
import { deleteWaitingAlert, fireReachedAlerts, insertRateAlert, lockUserAlerts, waitingAlertsOf, type RateAlertRow } from '../../db/rateAlerts.ts';
import { Big, parseAmount } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { RateService } from '../rates/rates.ts';
import type { QuoteService } from '../trading/quotes.ts';
import { notificationNotices } from './notices.ts';
import { notifyUser } from './outbox.ts';

export type { RateAlertRow };
export type AlertSide = RateAlertRow['side'];

/** Waiting alerts a user may have at once. */
export const MAX_ALERTS = 5;
const MAX_TARGET = new Big(10_000_000);

export type CreateAlertResult =
  | { status: 'created'; alert: RateAlertRow }
  | { status: 'limit' }
  /** The rate is there already: nothing to wait for. */
  | { status: 'already_met'; rate: string };

export interface UnitRates {
  buy: string;
  sell: string;
}

/** Rate alerts: "tell me when I can sell at GHS X or more" / "buy at GHS Y or less", against the bot's own rates. */
export interface AlertService {
  waiting(userId: number): Promise<readonly RateAlertRow[]>;
  /** The bot's buy and sell rate of one unit now, or null while there is no fresh price. */
  currentRates(): Promise<UnitRates | null>;
  /** A target as typed ("15.50", "GHS 15.50"): cedis, more than 0, at most 2 decimals. */
  checkTarget(text: string): Checked<string>;
  create(userId: number, side: AlertSide, target: string): Promise<CreateAlertResult>;
  /** False when it is not theirs, or it fired or was deleted already. */
  remove(userId: number, id: number): Promise<boolean>;
  /** Fires every waiting alert the current rates reach, each with its notice in the same transaction; returns how many. */
  fireReached(): Promise<number>;
}

/** Whether `rates` reach the target: selling at `target` or more, buying at `target` or less. */
export function reaches(side: AlertSide, target: string, rates: UnitRates): boolean {
  return side === 'sell' ? new Big(rates.sell).gte(target) : new Big(rates.buy).lte(target);
}

export function createAlertService(deps: { pool: DatabasePool; rates: RateService; quotes: QuoteService; asset: string }): AlertService {
  const { pool, asset } = deps;

  async function currentRates(): Promise<UnitRates | null> {
    const price = await deps.rates.currentPrice();
    return price && !price.stale ? deps.quotes.unitRates(price.priceGhs) : null;
  }

  return {
    waiting: (userId) => waitingAlertsOf(pool, userId),
    currentRates,
    checkTarget(text) {
      const amount = parseAmount(text, asset, 'GHS');
      if (!amount.ok) return amount;
      if (amount.value.currency !== 'GHS') return invalid('Type the rate in cedis for 1 unit, e.g. 15.50');
      if (new Big(amount.value.amount).gt(MAX_TARGET)) return invalid('That is more than GHS 10,000,000. Type the rate for 1 unit, e.g. 15.50');
      return valid(new Big(amount.value.amount).toFixed(2));
    },
    async create(userId, side, target) {
      const rates = await currentRates();
      if (rates && reaches(side, target, rates)) return { status: 'already_met', rate: side === 'sell' ? rates.sell : rates.buy };
      return pool.transaction(async (tx) => {
        await lockUserAlerts(tx, userId);
        if ((await waitingAlertsOf(tx, userId)).length >= MAX_ALERTS) return { status: 'limit' };
        return { status: 'created', alert: await insertRateAlert(tx, { userId, asset, side, targetRate: target }) };
      });
    },
    remove: (userId, id) => deleteWaitingAlert(pool, userId, id),
    async fireReached() {
      const rates = await currentRates();
      if (!rates) return 0;
      return pool.transaction(async (tx) => {
        const fired = await fireReachedAlerts(tx, { asset, ...rates });
        for (const alert of fired) await notifyUser(tx, alert.user_id, notificationNotices.alertReached(alert, asset));
        return fired.length;
      });
    },
  };
}

import type { DatabasePool } from 'slonik';
import { insertDailyGiftCardTotals } from '../../db/dailyGiftCardTotals.ts';
import { insertDailyTotals, rolledUpDays } from '../../db/dailyTotals.ts';
import { figuresByDay, giftCardsByDay, type DaySources, type LiveDays } from '../../db/readModels/businessStats.ts';
import { calendarDays } from '../common/calendar.ts';

/**
 * A calendar day is rolled up (its totals kept in daily_totals, never summed again) once it ended this long ago by
 * both the bot's clock and the database's. Money movements are stamped with the bot's clock inside the transaction
 * that decides them, users and KYC reviews with the database's at the start of theirs, and those transactions commit
 * within moments: the margin covers them and any drift between the clocks. Until then a day is summed from the
 * tables, as today always is.
 */
export const SETTLE_MARGIN_MS = 60 * 60_000;

/** Consecutive calendar days (Accra) and where their figures are read. */
export interface Days {
  /** YYYY-MM-DD, oldest first. */
  names: readonly string[];
  sources: DaySources;
}

export interface DailyTotals {
  /**
   * The days from `first` to `last` relative to the one `now` falls on (0 today, -1 yesterday …; `last` ≤ 0), today
   * up to `now`. The closed days not rolled up yet are rolled up first.
   */
  days(now: Date, first: number, last: number): Promise<Days>;
}

export function createDailyTotals(pool: DatabasePool): DailyTotals {
  /**
   * Sums the days from the tables and keeps those in `missing`, in one transaction. Another instance rolling up the
   * same days at the same moment computed the same totals; whichever inserts a day first keeps it.
   */
  async function rollUp(live: LiveDays, missing: ReadonlySet<string>): Promise<void> {
    const [figures, giftCards] = await Promise.all([figuresByDay(pool, { rolledUp: null, live }), giftCardsByDay(pool, live)]);
    await pool.transaction(async (tx) => {
      const inserted = new Set(await insertDailyTotals(tx, figures.filter((row) => missing.has(row.day))));
      await insertDailyGiftCardTotals(tx, giftCards.filter((row) => inserted.has(row.day)));
    });
  }

  return {
    async days(now, first, last) {
      const { days, end } = calendarDays(now, first, last);
      const count = days.length;
      const names = days.map(({ day }) => day);
      // Each day's start, then the end of the last day (now, for today).
      const bounds = [...days.map(({ start }) => start), new Date(Math.min(end.getTime(), now.getTime()))];
      const rolled = await rolledUpDays(pool, names[0] ?? '', names.at(-1) ?? '');
      const settled = Math.min(now.getTime(), rolled.now.getTime()) - SETTLE_MARGIN_MS;
      // Days end in order, so the closed ones come first (a day rolled up under another clock but not closed now is read live).
      const ends = [...days.slice(1).map(({ start }) => start), end];
      const closed = ends.filter((dayEnd) => dayEnd.getTime() <= settled).length;
      const rolledUp = new Set(rolled.days);
      const missing = names.slice(0, closed).filter((name) => !rolledUp.has(name));
      if (missing.length > 0) {
        const from = names.indexOf(missing[0] ?? '');
        const to = names.indexOf(missing.at(-1) ?? '');
        await rollUp({ days: names.slice(from, to + 1), bounds: bounds.slice(from, to + 2) }, new Set(missing));
      }
      return {
        names,
        sources: {
          rolledUp: closed > 0 ? { from: names[0] ?? '', to: names[closed - 1] ?? '' } : null,
          live: closed < count ? { days: names.slice(closed), bounds: bounds.slice(closed) } : null,
        },
      };
    },
  };
}

import type { DatabasePool } from 'slonik';
import {
  figuresByDay,
  MONEY_KINDS,
  standingCounts,
  topGiftCards,
  type DayFiguresRow,
  type GiftCardRankRow,
  type MoneyKind,
} from '../../db/readModels/businessStats.ts';
import { Big, CRYPTO_DECIMALS, GHS_DECIMALS } from '../common/amounts.ts';
import { createDailyTotals } from './dailyTotals.ts';

export { MONEY_KINDS, type MoneyKind };

/** Calendar days in Accra, today included: today, the last 7 days, the last 30 days. */
export const STATS_WINDOWS = [
  { name: 'Today', days: 1 },
  { name: 'Last 7 days', days: 7 },
  { name: 'Last 30 days', days: 30 },
] as const;
export type StatsWindowName = (typeof STATS_WINDOWS)[number]['name'];

/** Money moved of one kind in a period: how many movements and their GHS. */
export interface KindVolume {
  kind: MoneyKind;
  count: number;
  ghs: string;
}

/** Money moved in a period: every kind (zero when none), then all kinds together. */
export interface MoneyMoved {
  byKind: readonly KindVolume[];
  count: number;
  ghs: string;
}

export interface KycFunnel {
  registered: number;
  /** Ever sent documents, or decided. */
  submitted: number;
  waiting: number;
  approved: number;
  /** And not resubmitted since. */
  rejected: number;
}

export interface MarketActivity {
  open_buy: number;
  open_sell: number;
  crypto_volume: string;
}

export interface BusinessSnapshot {
  at: Date;
  users: { total: number; joined: Readonly<Record<StatsWindowName, number>> };
  kyc: KycFunnel;
  moneyMoved: readonly { window: StatsWindowName; moved: MoneyMoved }[];
  /** Over the last 30 days, most paid out first. */
  topGiftCards: readonly GiftCardRankRow[];
  /** Open orders now; crypto traded over the last 30 days. */
  market: MarketActivity;
  /** GHS moved on each of the last 30 days, today included, oldest first (days without any are zero): the chart. */
  dailyVolumes: readonly DayVolume[];
}

/** One calendar day of the business (Accra), as the daily digest reports it. */
export interface DayReport {
  /** YYYY-MM-DD in Accra. */
  day: string;
  newUsers: number;
  kycDecisions: { approved: number; rejected: number };
  moneyMoved: MoneyMoved;
}

export interface DayVolume {
  /** YYYY-MM-DD in Accra. */
  day: string;
  byKind: Readonly<Record<MoneyKind, string>>;
  total: string;
}

export interface StatsService {
  /** The figures and the chart of /stats at `now`. */
  snapshot(now: Date): Promise<BusinessSnapshot>;
  /** The calendar day before the one `now` falls on (the daily digest sent in the morning). */
  previousDay(now: Date): Promise<DayReport>;
}

const TOP_GIFT_CARDS = 5;
const LONGEST_WINDOW = Math.max(...STATS_WINDOWS.map((window) => window.days));
const ghs = (value: Big) => value.toFixed(GHS_DECIMALS);

/** Movements and GHS by kind, every kind (zero when none). */
type KindSums = Record<MoneyKind, { count: number; ghs: Big }>;

/** A day's money by kind. */
function sumsOf(day: DayFiguresRow): KindSums {
  return Object.fromEntries(MONEY_KINDS.map((kind, index) => [kind, { count: day.movements[index] ?? 0, ghs: new Big(day.ghs[index] ?? 0) }])) as KindSums;
}

/** The figures of each day of `names`, in that order (every day is either rolled up or summed live). */
async function figuresOfDays(names: readonly string[], rows: Promise<readonly DayFiguresRow[]>): Promise<DayFiguresRow[]> {
  const byDay = new Map((await rows).map((row) => [row.day, row]));
  return names.map((name) => {
    const figures = byDay.get(name);
    if (!figures) throw new Error(`The statistics of ${name} are missing (its daily_totals row was deleted while it was read?).`);
    return figures;
  });
}

/** The money moved over some days, every kind in order, rounded only once summed. */
function moneyMoved(days: readonly KindSums[]): MoneyMoved {
  const exact = MONEY_KINDS.map((kind) => ({
    kind,
    count: days.reduce((sum, day) => sum + day[kind].count, 0),
    ghs: days.reduce((sum, day) => sum.plus(day[kind].ghs), new Big(0)),
  }));
  return {
    byKind: exact.map((row) => ({ ...row, ghs: ghs(row.ghs) })),
    count: exact.reduce((sum, row) => sum + row.count, 0),
    ghs: ghs(exact.reduce((sum, row) => sum.plus(row.ghs), new Big(0))),
  };
}

export function createStatsService(deps: { pool: DatabasePool }): StatsService {
  const { pool } = deps;
  const dailyTotals = createDailyTotals(pool);

  return {
    async snapshot(now) {
      const lastDays = async () => {
        const { names, sources } = await dailyTotals.days(now, 1 - LONGEST_WINDOW, 0);
        const [figures, giftCards] = await Promise.all([figuresOfDays(names, figuresByDay(pool, sources)), topGiftCards(pool, sources, TOP_GIFT_CARDS)]);
        return { names, figures, giftCards };
      };
      // What stands now is counted alongside the days.
      const [{ open_buy, open_sell, ...kyc }, { names, figures, giftCards }] = await Promise.all([standingCounts(pool), lastDays()]);
      const money = figures.map(sumsOf);
      const latest = <T>(values: readonly T[], days: number) => values.slice(values.length - days);
      const joined = Object.fromEntries(
        STATS_WINDOWS.map((window) => [window.name, latest(figures, window.days).reduce((sum, day) => sum + day.users_joined, 0)]),
      ) as Record<StatsWindowName, number>;
      const cryptoVolume = figures.reduce((sum, day) => sum.plus(day.crypto_traded), new Big(0));
      return {
        at: now,
        users: { total: kyc.registered, joined },
        kyc,
        moneyMoved: STATS_WINDOWS.map((window) => ({ window: window.name, moved: moneyMoved(latest(money, window.days)) })),
        topGiftCards: giftCards,
        market: { open_buy, open_sell, crypto_volume: cryptoVolume.toFixed(CRYPTO_DECIMALS) },
        dailyVolumes: names.map((day, index) => {
          const moved = moneyMoved(money.slice(index, index + 1));
          const byKind = Object.fromEntries(moved.byKind.map((row) => [row.kind, row.ghs])) as Record<MoneyKind, string>;
          return { day, byKind, total: moved.ghs };
        }),
      };
    },

    async previousDay(now) {
      const { names, sources } = await dailyTotals.days(now, -1, -1);
      const [day] = await figuresOfDays(names, figuresByDay(pool, sources));
      return {
        day: names[0] ?? '',
        newUsers: day?.users_joined ?? 0,
        kycDecisions: { approved: day?.kyc_approved ?? 0, rejected: day?.kyc_rejected ?? 0 },
        moneyMoved: moneyMoved(day ? [sumsOf(day)] : []),
      };
    },
  };
}

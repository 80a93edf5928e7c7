import type { DatabasePool } from 'slonik';
import {
  moneyByDay,
  MONEY_KINDS,
  standingCounts,
  topGiftCards,
  totalsByDay,
  type DayMoneyRow,
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

function kindSums(): KindSums {
  return Object.fromEntries(MONEY_KINDS.map((kind) => [kind, { count: 0, ghs: new Big(0) }])) as KindSums;
}

function addTo(sums: KindSums, kind: MoneyKind, count: number, amount: Big | string): void {
  sums[kind] = { count: sums[kind].count + count, ghs: sums[kind].ghs.plus(amount) };
}

/** The money moved of some days (their sums), in every kind's order. */
function moneyMoved(sums: KindSums): MoneyMoved {
  const byKind = MONEY_KINDS.map((kind) => ({ kind, count: sums[kind].count, ghs: ghs(sums[kind].ghs) }));
  return {
    byKind,
    count: byKind.reduce((sum, row) => sum + row.count, 0),
    ghs: ghs(MONEY_KINDS.reduce((sum, kind) => sum.plus(sums[kind].ghs), new Big(0))),
  };
}

/** Each day's money by kind, in the order of `names`. */
function sumsByDay(names: readonly string[], rows: readonly DayMoneyRow[]): KindSums[] {
  const days = new Map(names.map((name) => [name, kindSums()]));
  for (const row of rows) {
    const sums = days.get(row.day);
    if (sums) addTo(sums, row.kind, row.movements, row.ghs);
  }
  return [...days.values()];
}

export function createStatsService(deps: { pool: DatabasePool }): StatsService {
  const { pool } = deps;
  const dailyTotals = createDailyTotals(pool);

  return {
    async snapshot(now) {
      // What stands now is counted alongside the days.
      const standing = standingCounts(pool);
      const { names, sources } = await dailyTotals.days(now, 1 - LONGEST_WINDOW, 0);
      const [{ open_buy, open_sell, ...kyc }, money, totals, giftCards] = await Promise.all([
        standing,
        moneyByDay(pool, sources),
        totalsByDay(pool, sources),
        topGiftCards(pool, sources, TOP_GIFT_CARDS),
      ]);
      const windowOf = (days: number) => new Set(names.slice(names.length - days));
      const joined = Object.fromEntries(
        STATS_WINDOWS.map((window) => {
          const days = windowOf(window.days);
          return [window.name, totals.filter((row) => days.has(row.day)).reduce((sum, row) => sum + row.users_joined, 0)];
        }),
      ) as Record<StatsWindowName, number>;
      const byDay = sumsByDay(names, money);
      const lastDays = (days: number) => {
        const sums = kindSums();
        for (const day of byDay.slice(byDay.length - days)) for (const kind of MONEY_KINDS) addTo(sums, kind, day[kind].count, day[kind].ghs);
        return moneyMoved(sums);
      };
      const cryptoVolume = totals.reduce((sum, row) => sum.plus(row.crypto_traded), new Big(0));
      return {
        at: now,
        users: { total: kyc.registered, joined },
        kyc,
        moneyMoved: STATS_WINDOWS.map((window) => ({ window: window.name, moved: lastDays(window.days) })),
        topGiftCards: giftCards,
        market: { open_buy, open_sell, crypto_volume: cryptoVolume.toFixed(CRYPTO_DECIMALS) },
        dailyVolumes: names.map((day, index) => {
          const moved = moneyMoved(byDay[index] ?? kindSums());
          const byKind = Object.fromEntries(moved.byKind.map((row) => [row.kind, row.ghs])) as Record<MoneyKind, string>;
          return { day, byKind, total: moved.ghs };
        }),
      };
    },

    async previousDay(now) {
      const { names, sources } = await dailyTotals.days(now, -1, -1);
      const [money, [totals]] = await Promise.all([moneyByDay(pool, sources), totalsByDay(pool, sources)]);
      return {
        day: names[0] ?? '',
        newUsers: totals?.users_joined ?? 0,
        kycDecisions: { approved: totals?.kyc_approved ?? 0, rejected: totals?.kyc_rejected ?? 0 },
        moneyMoved: moneyMoved(sumsByDay(names, money)[0] ?? kindSums()),
      };
    },
  };
}

import type { DatabasePool } from 'slonik';
import {
  countKycDecisionsIn,
  countUsersJoinedIn,
  countUsersJoinedSince,
  kycFunnel,
  marketActivity,
  moneyMovedByDay,
  moneyMovedByKind,
  MONEY_KINDS,
  topGiftCardsIn,
  type GiftCardRankRow,
  type KindVolumeRow,
  type KycFunnelRow,
  type MarketActivityRow,
  type MoneyKind,
  type Period,
} from '../../db/readModels/businessStats.ts';
import { Big, GHS_DECIMALS } from '../common/amounts.ts';
import { BUSINESS_TIME_ZONE, calendarDay, startOfDay } from '../common/calendar.ts';

export { MONEY_KINDS, type MoneyKind, type Period };

/** Calendar days in Accra, today included: today, the last 7 days, the last 30 days. */
export const STATS_WINDOWS = [
  { name: 'Today', days: 1 },
  { name: 'Last 7 days', days: 7 },
  { name: 'Last 30 days', days: 30 },
] as const;
export type StatsWindowName = (typeof STATS_WINDOWS)[number]['name'];

/** Money moved in a period: every kind (zero when none), then all kinds together. */
export interface MoneyMoved {
  byKind: readonly KindVolumeRow[];
  count: number;
  ghs: string;
}

export interface BusinessSnapshot {
  at: Date;
  users: { total: number; joined: Readonly<Record<StatsWindowName, number>> };
  kyc: KycFunnelRow;
  moneyMoved: readonly { window: StatsWindowName; moved: MoneyMoved }[];
  /** Over the last 30 days, most paid out first. */
  topGiftCards: readonly GiftCardRankRow[];
  /** Open orders now; crypto traded over the last 30 days. */
  market: MarketActivityRow;
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
  /** The figures of /stats at `now`. */
  snapshot(now: Date): Promise<BusinessSnapshot>;
  /** The calendar day before the one `now` falls on (the daily digest sent in the morning). */
  previousDay(now: Date): Promise<DayReport>;
  /** GHS moved on each of the last `days` calendar days, today included, oldest first (days without any are zero). */
  dailyVolumes(now: Date, days: number): Promise<readonly DayVolume[]>;
}

const TOP_GIFT_CARDS = 5;
const ghs = (value: Big) => value.toFixed(GHS_DECIMALS);

function withEveryKind(rows: readonly KindVolumeRow[]): MoneyMoved {
  const byKind = MONEY_KINDS.map((kind) => rows.find((row) => row.kind === kind) ?? { kind, count: 0, ghs: '0' }).map((row) => ({
    ...row,
    ghs: ghs(new Big(row.ghs)),
  }));
  return {
    byKind,
    count: byKind.reduce((sum, row) => sum + row.count, 0),
    ghs: ghs(byKind.reduce((sum, row) => sum.plus(row.ghs), new Big(0))),
  };
}

export function createStatsService(deps: { pool: DatabasePool }): StatsService {
  const { pool } = deps;
  const since = (now: Date, days: number): Period => ({ from: startOfDay(now, 1 - days), to: now });

  return {
    async snapshot(now) {
      const [users, kyc, moved, topGiftCards, market] = await Promise.all([
        countUsersJoinedSince(pool, STATS_WINDOWS.map((window) => since(now, window.days).from)),
        kycFunnel(pool),
        Promise.all(STATS_WINDOWS.map((window) => moneyMovedByKind(pool, since(now, window.days)))),
        topGiftCardsIn(pool, since(now, 30), TOP_GIFT_CARDS),
        marketActivity(pool, since(now, 30)),
      ]);
      const joined = Object.fromEntries(STATS_WINDOWS.map((window, index) => [window.name, users.joined[index] ?? 0])) as Record<StatsWindowName, number>;
      return {
        at: now,
        users: { total: users.total, joined },
        kyc,
        moneyMoved: STATS_WINDOWS.map((window, index) => ({ window: window.name, moved: withEveryKind(moved[index] ?? []) })),
        topGiftCards,
        market,
      };
    },

    async previousDay(now) {
      const period = { from: startOfDay(now, -1), to: startOfDay(now) };
      const [newUsers, kycDecisions, moved] = await Promise.all([
        countUsersJoinedIn(pool, period),
        countKycDecisionsIn(pool, period),
        moneyMovedByKind(pool, period),
      ]);
      return { day: calendarDay(period.from), newUsers, kycDecisions, moneyMoved: withEveryKind(moved) };
    },

    async dailyVolumes(now, days) {
      const rows = await moneyMovedByDay(pool, since(now, days), BUSINESS_TIME_ZONE);
      return Array.from({ length: days }, (_, index) => {
        const day = calendarDay(startOfDay(now, index + 1 - days));
        const ofDay = rows.filter((row) => row.day === day);
        const byKind = Object.fromEntries(MONEY_KINDS.map((kind) => [kind, ghs(new Big(ofDay.find((row) => row.kind === kind)?.ghs ?? 0))])) as Record<MoneyKind, string>;
        return { day, byKind, total: ghs(ofDay.reduce((sum, row) => sum.plus(row.ghs), new Big(0))) };
      });
    },
  };
}

// The shape of the data benchmark 5 fills the database with: how many rows of each, and over what time.
import { sql, type FragmentSqlToken } from 'slonik';

export const SCALE = {
  users: 10_000,
  giftCards: 100,
  cryptoTransactions: 100_000,
  deposits: 30_000,
  withdrawals: 15_000,
  giftCardOrders: 50_000,
  orders: 200_000,
  openOrders: 4_000,
  trades: 150_000,
  notifications: 500_000,
  analyticsEvents: 1_000_000,
  /** Waiting for an admin, per kind. */
  pending: { buy: 120, sell: 60, deposit: 80, withdrawal: 50, giftCard: 60 },
  /** Users 1..10 make one row in twenty of every kind. */
  heavyUsers: 10,
} as const;

/** The desk's age: rows are spread over it, more of them recent (the business grew). */
export const HISTORY_DAYS = 730;
export const ANALYTICS_DAYS = 180;

export type Step = readonly [name: string, statement: ReturnType<typeof sql.unsafe>];

/** The time at `draw` (uniform in 0..1) of a business growing steadily over HISTORY_DAYS: twice as busy now as a year ago. */
export const grown = (draw: FragmentSqlToken) => sql.fragment`now() - interval '1 day' * ${HISTORY_DAYS}::int * (1 - sqrt(${draw}))`;

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const priceGhsRow = z.object({ price_ghs: z.string() });

export const RATE_SOURCES = ['coinmarketcap', 'coingecko', 'manual'] as const;
export type RateSource = (typeof RATE_SOURCES)[number];

export interface NewRate {
  asset: string;
  source: RateSource;
  /** Decimal string, at most 8 places. */
  priceGhs: string;
  fetchedAt: Date;
  setByAdminId: number | null;
}

const rateRowSchema = z.object({
  price_ghs: z.string(),
  source: z.enum(RATE_SOURCES),
  fetched_at: z.date(),
});
export type RateRow = z.infer<typeof rateRowSchema>;

/** Stores a price; returns it as stored (8 decimals, e.g. "15.20000000"). */
export async function insertRate(db: CommonQueryMethods, rate: NewRate): Promise<string> {
  return db.oneFirst(sql.type(priceGhsRow)`
    INSERT INTO rates (asset, source, price_ghs, fetched_at, set_by_admin_id)
    VALUES (${rate.asset}, ${rate.source}, ${rate.priceGhs}, ${rate.fetchedAt.toISOString()}, ${rate.setByAdminId})
    RETURNING price_ghs
  `);
}

/** The newest price of an asset (optionally only a fetched one, not set by hand), or null when there is none. */
export async function latestRate(db: CommonQueryMethods, asset: string, options: { liveOnly?: boolean } = {}): Promise<RateRow | null> {
  return db.maybeOne(sql.type(rateRowSchema)`
    SELECT price_ghs, source, fetched_at FROM rates
     WHERE asset = ${asset} ${options.liveOnly ? sql.fragment`AND source <> 'manual'` : sql.fragment``}
     ORDER BY fetched_at DESC, id DESC LIMIT 1
  `);
}

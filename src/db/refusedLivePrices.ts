import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

const refusedPriceSchema = z.object({
  id: z.number(),
  asset: z.string(),
  source: z.enum(['coinmarketcap', 'coingecko']),
  price_ghs: z.string(),
  fetched_at: z.date(),
  compared_with_ghs: z.string(),
  compared_source: z.enum(['coinmarketcap', 'coingecko', 'manual']),
  compared_fetched_at: z.date(),
  accepted_at: z.date().nullable(),
  accepted_by_name: z.string().nullable(),
});
export type RefusedPriceRow = z.infer<typeof refusedPriceSchema>;
const refusedPriceColumns = columnsOf(refusedPriceSchema);

export interface NewRefusedPrice {
  asset: string;
  source: RefusedPriceRow['source'];
  priceGhs: string;
  fetchedAt: Date;
  comparedWith: { priceGhs: string; source: RefusedPriceRow['compared_source']; fetchedAt: Date };
}

/**
 * Records a refused live price for the admins, unless they were told of one in this refusal spell within the
 * last hour (`quietSince`): a spell ends with the next live price stored. Null when it is not their turn yet.
 */
export async function insertRefusedPriceIfDue(db: CommonQueryMethods, refused: NewRefusedPrice, quietSince: Date): Promise<RefusedPriceRow | null> {
  return db.maybeOne(sql.type(refusedPriceSchema)`
    INSERT INTO refused_live_prices (asset, source, price_ghs, fetched_at, compared_with_ghs, compared_source, compared_fetched_at)
    SELECT ${refused.asset}, ${refused.source}, ${refused.priceGhs}, ${refused.fetchedAt.toISOString()},
           ${refused.comparedWith.priceGhs}, ${refused.comparedWith.source}, ${refused.comparedWith.fetchedAt.toISOString()}
     WHERE NOT EXISTS (
       SELECT 1 FROM refused_live_prices told
        WHERE told.asset = ${refused.asset} AND told.fetched_at > ${quietSince.toISOString()}
          AND told.fetched_at > coalesce((SELECT max(fetched_at) FROM rates WHERE asset = ${refused.asset} AND source <> 'manual'), '-infinity')
     )
    RETURNING ${refusedPriceColumns}
  `);
}

export async function findRefusedPrice(db: CommonQueryMethods, id: number): Promise<RefusedPriceRow | null> {
  return db.maybeOne(sql.type(refusedPriceSchema)`SELECT ${refusedPriceColumns} FROM refused_live_prices WHERE id = ${id}`);
}

/**
 * The guarded acceptance: only once, and only while no live price was stored after it (the feed came back on
 * its own, or a later refusal was accepted). Null when either happened first.
 */
export async function acceptRefusedPrice(db: CommonQueryMethods, id: number, accepted: { byName: string; at: Date }): Promise<RefusedPriceRow | null> {
  return db.maybeOne(sql.type(refusedPriceSchema)`
    UPDATE refused_live_prices refused SET accepted_at = ${accepted.at.toISOString()}, accepted_by_name = ${accepted.byName}
     WHERE id = ${id} AND accepted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM rates WHERE asset = refused.asset AND source <> 'manual' AND fetched_at >= refused.fetched_at)
    RETURNING ${refusedPriceColumns}
  `);
}

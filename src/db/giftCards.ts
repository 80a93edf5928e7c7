import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const giftCardSchema = z.object({
  id: z.number(),
  name: z.string(),
  brand: z.string(),
  currency: z.string(),
  rate_buy: z.string(),
  rate_sell: z.string(),
  image: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
const giftCardColumns = columnsOf(giftCardSchema);
export type GiftCardRow = z.infer<typeof giftCardSchema>;

export interface NewGiftCard {
  name: string;
  brand: string;
  currency: string;
  rateBuy: string;
  rateSell: string;
  image: string | null;
  isActive: boolean;
}

/** Null when a card with that brand, name and currency exists already (ignoring case). */
export async function insertGiftCard(db: CommonQueryMethods, card: NewGiftCard, now: Date): Promise<GiftCardRow | null> {
  return db.maybeOne(sql.type(giftCardSchema)`
    INSERT INTO gift_cards (name, brand, currency, rate_buy, rate_sell, image, is_active, created_at, updated_at)
    VALUES (${card.name}, ${card.brand}, ${card.currency}, ${card.rateBuy}, ${card.rateSell}, ${card.image}, ${card.isActive},
            ${now.toISOString()}, ${now.toISOString()})
    ON CONFLICT DO NOTHING
    RETURNING ${giftCardColumns}
  `);
}

/**
 * Inserts the cards only into an empty catalogue; the table lock makes two instances starting together insert
 * them once. Returns how many were inserted.
 */
export async function seedEmptyCatalogue(db: CommonQueryMethods, cards: readonly NewGiftCard[], now: Date): Promise<number> {
  await db.query(sql.unsafe`LOCK TABLE gift_cards IN SHARE ROW EXCLUSIVE MODE`);
  if (await db.exists(sql.unsafe`SELECT 1 FROM gift_cards`)) return 0;
  for (const card of cards) await insertGiftCard(db, card, now);
  return cards.length;
}

const LOCKS = { update: sql.fragment`FOR UPDATE`, share: sql.fragment`FOR SHARE` };

/** A card; `lock` holds it until the transaction ends (`share` keeps its rate from changing meanwhile). */
export async function findGiftCard(db: CommonQueryMethods, id: number, options: { lock?: keyof typeof LOCKS } = {}): Promise<GiftCardRow | null> {
  return db.maybeOne(sql.type(giftCardSchema)`
    SELECT ${giftCardColumns} FROM gift_cards WHERE id = ${id} ${options.lock ? LOCKS[options.lock] : sql.fragment``}
  `);
}

/** The catalogue by brand and name; only the cards users may choose when `activeOnly`. */
export async function listGiftCards(db: CommonQueryMethods, options: { activeOnly: boolean }): Promise<readonly GiftCardRow[]> {
  return db.any(sql.type(giftCardSchema)`
    SELECT ${giftCardColumns} FROM gift_cards WHERE ${options.activeOnly ? sql.fragment`is_active` : sql.fragment`TRUE`}
     ORDER BY lower(brand), lower(name), currency, id
  `);
}

export interface GiftCardChange {
  rateBuy?: string;
  rateSell?: string;
  image?: string | null;
  isActive?: boolean;
}

/** Applies the change to a card (the caller checked it); null when there is no such card. */
export async function updateGiftCard(db: CommonQueryMethods, id: number, change: GiftCardChange, now: Date): Promise<GiftCardRow | null> {
  const assignments = [
    ...(change.rateBuy === undefined ? [] : [sql.fragment`rate_buy = ${change.rateBuy}`]),
    ...(change.rateSell === undefined ? [] : [sql.fragment`rate_sell = ${change.rateSell}`]),
    ...(change.image === undefined ? [] : [sql.fragment`image = ${change.image}`]),
    ...(change.isActive === undefined ? [] : [sql.fragment`is_active = ${change.isActive}`]),
  ];
  return db.maybeOne(sql.type(giftCardSchema)`
    UPDATE gift_cards SET ${sql.join([...assignments, sql.fragment`updated_at = ${now.toISOString()}`], sql.fragment`, `)}
     WHERE id = ${id}
    RETURNING ${giftCardColumns}
  `);
}

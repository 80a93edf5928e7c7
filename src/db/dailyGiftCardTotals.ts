import { sql, type CommonQueryMethods } from 'slonik';
import type { DayGiftCardRow } from './readModels/businessStats.ts';

/** A rolled-up day's gift card trade-ins by card (its daily_totals row goes in first, in the same transaction). */
export async function insertDailyGiftCardTotals(db: CommonQueryMethods, rows: readonly DayGiftCardRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(sql.unsafe`
    INSERT INTO daily_gift_card_totals (day, card_id, currency, trade_ins, face_value, payout_ghs)
    SELECT * FROM ${sql.unnest(
      rows.map((row) => [row.day, row.card_id, row.currency, row.trade_ins, row.face_value, row.payout_ghs]),
      ['date', 'int8', 'text', 'int4', 'numeric', 'numeric'],
    )}
  `);
}

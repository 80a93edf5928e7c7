import { sql, type CommonQueryMethods } from 'slonik';
import type { DayMoneyRow } from './readModels/businessStats.ts';

/** A rolled-up day's money by kind (its daily_totals row goes in first, in the same transaction). */
export async function insertDailyMoneyTotals(db: CommonQueryMethods, rows: readonly DayMoneyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(sql.unsafe`
    INSERT INTO daily_money_totals (day, kind, movements, ghs)
    SELECT * FROM ${sql.unnest(
      rows.map((row) => [row.day, row.kind, row.movements, row.ghs]),
      ['date', 'text', 'int4', 'numeric'],
    )}
  `);
}

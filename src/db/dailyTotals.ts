import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { MONEY_KINDS, type DayFiguresRow } from './readModels/businessStats.ts';

const rolledUpSchema = z.object({ now: z.date(), days: z.array(z.string()) });
const dayRow = z.object({ day: z.string() });

/** The database's clock, and which of the days from `from` to `to` (YYYY-MM-DD, both included) are rolled up. */
export async function rolledUpDays(db: CommonQueryMethods, from: string, to: string): Promise<z.infer<typeof rolledUpSchema>> {
  return db.one(sql.type(rolledUpSchema)`
    SELECT statement_timestamp() AS now,
           ARRAY(SELECT day::text FROM daily_totals WHERE day BETWEEN ${from}::date AND ${to}::date ORDER BY day) AS days
  `);
}

/**
 * Marks the days rolled up with their totals; returns the days this call inserted. A day already there is left as
 * it is (another instance rolled it up: this insert waits for that one's transaction, then skips the day), and days
 * go in in order, so two instances rolling up overlapping days never deadlock.
 */
export async function insertDailyTotals(db: CommonQueryMethods, rows: readonly DayFiguresRow[]): Promise<readonly string[]> {
  if (rows.length === 0) return [];
  const kindColumns = MONEY_KINDS.flatMap((kind) => [sql.identifier([`${kind}_movements`]), sql.identifier([`${kind}_ghs`])]);
  return db.anyFirst(sql.type(dayRow)`
    INSERT INTO daily_totals (day, users_joined, kyc_approved, kyc_rejected, crypto_traded, ${sql.join(kindColumns, sql.fragment`, `)})
    SELECT * FROM ${sql.unnest(
      rows.map((row) => [
        row.day,
        row.users_joined,
        row.kyc_approved,
        row.kyc_rejected,
        row.crypto_traded,
        ...MONEY_KINDS.flatMap((_, index) => [row.movements[index] ?? 0, row.ghs[index] ?? '0']),
      ]),
      ['date', 'int4', 'int4', 'int4', 'numeric', ...MONEY_KINDS.flatMap(() => ['int4', 'numeric'])],
    )} ORDER BY 1
    ON CONFLICT (day) DO NOTHING
    RETURNING day::text AS day
  `);
}

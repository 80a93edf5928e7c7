import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

// Loose: a domain may add its own columns (a migration and a SettingField), read here as they are.
const settingsRowSchema = z.looseObject({
  id: z.number(),
  live_rate_source: z.string(),
  escrow_percent: z.string(),
  support_contacts: z.record(z.string(), z.string()),
  spread_percent: z.string(),
  min_amount_ghs: z.string(),
  max_amount_ghs: z.string(),
  momo_payment_details: z.string(),
  bank_payment_details: z.string(),
  rate_stale_alerted_at: z.date().nullable(),
  updated_at: z.date(),
});
export type SettingsRow = z.infer<typeof settingsRowSchema>;
/** Columns to change, by name: the settings editor's fields (each validated by its SettingField). */
export type SettingsPatch = Readonly<Record<string, string | number | boolean | Readonly<Record<string, string>>>>;

/** The settings row (one exists: migration 001 creates it). `forUpdate` locks it for a read-modify-write. */
export async function readSettings(db: CommonQueryMethods, options: { forUpdate?: boolean } = {}): Promise<SettingsRow> {
  return db.one(sql.type(settingsRowSchema)`
    SELECT * FROM settings ORDER BY id LIMIT 1 ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}
  `);
}

export async function updateSettings(db: CommonQueryMethods, id: number, patch: SettingsPatch): Promise<void> {
  const assignments = Object.entries(patch).map(([column, value]) =>
    sql.fragment`${sql.identifier([column])} = ${typeof value === 'object' ? sql.jsonb(value) : value}`,
  );
  if (assignments.length === 0) return;
  await db.query(sql.unsafe`UPDATE settings SET ${sql.join(assignments, sql.fragment`, `)}, updated_at = now() WHERE id = ${id}`);
}

/**
 * Records that the admins were told the price is stale; true only for the first caller until a fresh price
 * clears it (so they are alerted once, whichever instance notices first).
 */
export async function markRateStaleAlerted(db: CommonQueryMethods, at: Date): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE settings SET rate_stale_alerted_at = ${at.toISOString()} WHERE rate_stale_alerted_at IS NULL
  `);
  return result.rowCount > 0;
}

/**
 * Records a reminder that the price set by hand is old; true only for the first caller per `everyMs`
 * (so the admin chat hears it once a day, whichever instance notices).
 */
export async function markManualPriceReminded(db: CommonQueryMethods, at: Date, everyMs: number): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE settings SET manual_price_reminded_at = ${at.toISOString()}
     WHERE manual_price_reminded_at IS NULL OR manual_price_reminded_at <= ${new Date(at.getTime() - everyMs).toISOString()}
  `);
  return result.rowCount > 0;
}

export async function clearRateStaleAlert(db: CommonQueryMethods): Promise<void> {
  await db.query(sql.unsafe`UPDATE settings SET rate_stale_alerted_at = NULL WHERE rate_stale_alerted_at IS NOT NULL`);
}

const thresholdRow = z.object({ second_approval_above_ghs: z.string() });

/** The amount (GHS) from which an approval needs a second admin; '0.00' when four eyes are off. */
export async function readSecondApprovalThreshold(db: CommonQueryMethods): Promise<string> {
  return db.oneFirst(sql.type(thresholdRow)`SELECT second_approval_above_ghs FROM settings ORDER BY id LIMIT 1`);
}

const autoBuyRow = z.object({ paystack_auto_buy_below_ghs: z.string() });

/** A buy Paystack confirmed for less than this (GHS) is credited with no admin; '0.00': none is. */
export async function readPaystackAutoBuyLimit(db: CommonQueryMethods): Promise<string> {
  return db.oneFirst(sql.type(autoBuyRow)`SELECT paystack_auto_buy_below_ghs FROM settings ORDER BY id LIMIT 1`);
}

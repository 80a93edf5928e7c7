import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const settingsRowSchema = z.object({
  id: z.number(),
  live_rate_source: z.string(),
  escrow_percent: z.string(),
  support_contacts: z.record(z.string(), z.string()),
  updated_at: z.date(),
});
export type SettingsRow = z.infer<typeof settingsRowSchema>;
export type SettingsPatch = Partial<Omit<SettingsRow, 'id' | 'updated_at'>>;

/** The settings row (one exists: migration 001 creates it). `forUpdate` locks it for a read-modify-write. */
export async function readSettings(db: CommonQueryMethods, options: { forUpdate?: boolean } = {}): Promise<SettingsRow> {
  return db.one(sql.type(settingsRowSchema)`
    SELECT id, live_rate_source, escrow_percent::text AS escrow_percent, support_contacts, updated_at
      FROM settings ORDER BY id LIMIT 1 ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}
  `);
}

export async function updateSettings(db: CommonQueryMethods, id: number, patch: SettingsPatch): Promise<void> {
  const assignments = Object.entries(patch).map(([column, value]) =>
    sql.fragment`${sql.identifier([column])} = ${typeof value === 'object' ? sql.jsonb(value) : value}`,
  );
  if (assignments.length === 0) return;
  await db.query(sql.unsafe`UPDATE settings SET ${sql.join(assignments, sql.fragment`, `)}, updated_at = now() WHERE id = ${id}`);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const alertRowSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  side: z.enum(['buy', 'sell']),
  target_rate: z.string(),
  created_at: z.date(),
});
export type RateAlertRow = z.infer<typeof alertRowSchema>;

/** A user's alerts that have not fired yet, oldest first. */
export async function waitingAlertsOf(db: CommonQueryMethods, userId: number): Promise<readonly RateAlertRow[]> {
  return db.any(sql.type(alertRowSchema)`
    SELECT id, user_id, side, target_rate::text, created_at FROM rate_alerts
     WHERE user_id = ${userId} AND triggered_at IS NULL ORDER BY created_at, id
  `);
}

/** Serialises one user's alert changes (the limit of five is counted, then a row added), per transaction. */
export async function lockUserAlerts(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(40, hashtext(${String(userId)}))`);
}

export async function insertRateAlert(db: CommonQueryMethods, alert: { userId: number; asset: string; side: 'buy' | 'sell'; targetRate: string }): Promise<RateAlertRow> {
  return db.one(sql.type(alertRowSchema)`
    INSERT INTO rate_alerts (user_id, asset, side, target_rate)
    VALUES (${alert.userId}, ${alert.asset}, ${alert.side}, ${alert.targetRate})
    RETURNING id, user_id, side, target_rate::text, created_at
  `);
}

/** Deletes one of the user's waiting alerts; false when it is not theirs, or fired or was deleted already. */
export async function deleteWaitingAlert(db: CommonQueryMethods, userId: number, id: number): Promise<boolean> {
  const result = await db.query(sql.unsafe`DELETE FROM rate_alerts WHERE id = ${id} AND user_id = ${userId} AND triggered_at IS NULL`);
  return result.rowCount > 0;
}

const firedSchema = alertRowSchema.extend({ triggered_rate: z.string() });
export type FiredAlert = z.infer<typeof firedSchema>;

/**
 * Fires every waiting alert of an active user that the rates reach (sell rate at or above its target, buy rate
 * at or below), once: one guarded UPDATE, so an alert fires in exactly one run whatever runs at the same time.
 * A deactivated user's alerts wait (they could not trade on them).
 */
export async function fireReachedAlerts(db: CommonQueryMethods, market: { asset: string; buy: string; sell: string }): Promise<readonly FiredAlert[]> {
  return db.any(sql.type(firedSchema)`
    UPDATE rate_alerts
       SET triggered_at = now(), triggered_rate = CASE side WHEN 'sell' THEN ${market.sell}::numeric ELSE ${market.buy}::numeric END
     WHERE triggered_at IS NULL AND asset = ${market.asset} AND user_id IN (SELECT id FROM users WHERE is_active)
       AND ((side = 'sell' AND target_rate <= ${market.sell}::numeric) OR (side = 'buy' AND target_rate >= ${market.buy}::numeric))
    RETURNING id, user_id, side, target_rate::text, created_at, triggered_rate::text
  `);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const paystackEventSchema = z.object({
  id: z.number(),
  event: z.string(),
  data_id: z.string(),
  body: z.record(z.string(), z.unknown()),
  attempts: z.number(),
});
const eventColumns = columnsOf(paystackEventSchema);
export type PaystackEventRow = z.infer<typeof paystackEventSchema>;

/**
 * Stores a webhook's event once: true when it is new, false when the same event and data.id were stored before (a
 * copy of one still waiting for its retry makes it due now: Paystack says again that something happened).
 */
export async function insertPaystackEvent(db: CommonQueryMethods, event: { event: string; dataId: string; body: string; receivedAt: Date }): Promise<boolean> {
  const at = event.receivedAt.toISOString();
  const stored = await db.maybeOne(sql.type(z.object({ inserted: z.boolean() }))`
    INSERT INTO paystack_events (event, data_id, body, received_at, next_attempt_at)
    VALUES (${event.event}, ${event.dataId}, ${event.body}::jsonb, ${at}, ${at})
    ON CONFLICT (event, data_id) DO UPDATE SET next_attempt_at = LEAST(paystack_events.next_attempt_at, excluded.next_attempt_at)
      WHERE paystack_events.processed_at IS NULL
    RETURNING (xmax = 0) AS inserted
  `);
  return stored?.inserted ?? false;
}

/** Events not yet worked and due, oldest first. */
export async function listDuePaystackEvents(db: CommonQueryMethods, now: Date, limit: number): Promise<readonly PaystackEventRow[]> {
  return db.any(sql.type(paystackEventSchema)`
    SELECT ${eventColumns} FROM paystack_events
     WHERE processed_at IS NULL AND next_attempt_at <= ${now.toISOString()}
     ORDER BY next_attempt_at, id LIMIT ${limit}
  `);
}

export async function markPaystackEventProcessed(db: CommonQueryMethods, id: number, outcome: string, at: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE paystack_events SET processed_at = ${at.toISOString()}, outcome = ${outcome}, last_error = NULL
     WHERE id = ${id} AND processed_at IS NULL
  `);
}

/** A failed attempt at an event: tried again after `retryAt`. */
export async function recordPaystackEventFailure(db: CommonQueryMethods, id: number, error: string, retryAt: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE paystack_events SET attempts = attempts + 1, last_error = ${error.slice(0, 500)}, next_attempt_at = ${retryAt.toISOString()}
     WHERE id = ${id} AND processed_at IS NULL
  `);
}

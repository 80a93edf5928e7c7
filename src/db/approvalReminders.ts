import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export interface RequestKey {
  kind: string;
  id: number;
}

const requestKeySchema = z.object({ kind: z.string(), id: z.number() });

/**
 * Marks the requests as reminded at `now`, except those already reminded after `remindedBefore`; returns the
 * ones it marked. One statement, so of two instances at once each request goes to one.
 */
export async function claimReminders(db: CommonQueryMethods, requests: readonly RequestKey[], now: Date, remindedBefore: Date): Promise<readonly RequestKey[]> {
  if (requests.length === 0) return [];
  return db.any(sql.type(requestKeySchema)`
    INSERT INTO approval_reminders (request_kind, request_id, reminded_at)
    SELECT kind, id, ${now.toISOString()}
      FROM unnest(${sql.array(requests.map((request) => request.kind), 'text')}, ${sql.array(requests.map((request) => request.id), 'int8')}) AS r(kind, id)
    ON CONFLICT (request_kind, request_id) DO UPDATE SET reminded_at = EXCLUDED.reminded_at
     WHERE approval_reminders.reminded_at <= ${remindedBefore.toISOString()}
    RETURNING request_kind AS kind, request_id AS id
  `);
}

/** Takes back the claims of a reminder that could not be sent, so the next run sends it. */
export async function releaseReminders(db: CommonQueryMethods, requests: readonly RequestKey[], remindedAt: Date): Promise<void> {
  await db.query(sql.unsafe`
    DELETE FROM approval_reminders
     WHERE (request_kind, request_id) IN (
             SELECT * FROM unnest(${sql.array(requests.map((request) => request.kind), 'text')}, ${sql.array(requests.map((request) => request.id), 'int8')}))
       AND reminded_at = ${remindedAt.toISOString()}
  `);
}

/** Reminders are kept while they matter: a request still waiting is reminded again within the hour. */
export async function deleteRemindersBefore(db: CommonQueryMethods, before: Date): Promise<number> {
  return (await db.query(sql.unsafe`DELETE FROM approval_reminders WHERE reminded_at < ${before.toISOString()}`)).rowCount;
}

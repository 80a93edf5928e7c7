import { sql, type CommonQueryMethods } from 'slonik';

/** An event as stored; `properties` holds names and counts only, never what a user typed. */
export interface NewAnalyticsEvent {
  userId: number | null;
  type: string;
  name: string;
  properties: Readonly<Record<string, string | number | boolean>>;
  sessionId: string | null;
  at: Date;
}

/** Writes a batch of events in one statement. */
export async function insertAnalyticsEvents(db: CommonQueryMethods, events: readonly NewAnalyticsEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({
    user_id: event.userId,
    event_type: event.type,
    event_name: event.name,
    properties: event.properties,
    session_id: event.sessionId,
    created_at: event.at.toISOString(),
  }));
  await db.query(sql.unsafe`
    INSERT INTO analytics_events (user_id, event_type, event_name, properties, session_id, created_at)
    SELECT user_id, event_type, event_name, properties, session_id, created_at
      FROM jsonb_to_recordset(${sql.jsonb(rows)})
        AS e(user_id BIGINT, event_type VARCHAR(50), event_name VARCHAR(255), properties JSONB, session_id VARCHAR(255), created_at TIMESTAMPTZ)
  `);
}

/** Deletes up to `limit` of the oldest events from before `before`; returns how many. */
export async function deleteAnalyticsEventsBefore(db: CommonQueryMethods, before: Date, limit: number): Promise<number> {
  const result = await db.query(sql.unsafe`
    DELETE FROM analytics_events
     WHERE id IN (SELECT id FROM analytics_events WHERE created_at < ${before.toISOString()} ORDER BY created_at LIMIT ${limit})
  `);
  return result.rowCount;
}

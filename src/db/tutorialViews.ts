import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const openedAtRow = z.object({ opened_at: z.date() });

export type ViewRecord = { status: 'new' } | { status: 'seen'; openedAt: Date };

/**
 * One view per user, tutorial and the message whose button opened it: the first call records it ('new'),
 * any repeat (a double tap, a replayed update, a tap on the same old button) returns when it was first opened.
 */
export async function recordTutorialView(
  db: CommonQueryMethods,
  view: { userId: number; tutorialId: number; sourceMessageId: number; at: Date },
): Promise<ViewRecord> {
  const inserted = await db.maybeOne(sql.unsafe`
    INSERT INTO tutorial_views (tutorial_id, user_id, source_message_id, opened_at)
    VALUES (${view.tutorialId}, ${view.userId}, ${view.sourceMessageId}, ${view.at.toISOString()})
    ON CONFLICT (user_id, tutorial_id, source_message_id) DO NOTHING
    RETURNING id
  `);
  if (inserted) return { status: 'new' };
  const openedAt = await db.oneFirst(sql.type(openedAtRow)`
    SELECT opened_at FROM tutorial_views
     WHERE user_id = ${view.userId} AND tutorial_id = ${view.tutorialId} AND source_message_id = ${view.sourceMessageId}
  `);
  return { status: 'seen', openedAt };
}

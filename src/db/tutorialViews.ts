import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const openRow = z.object({ recorded: z.boolean(), opened_at: z.date().nullable() });

export type ViewRecord = { status: 'new' } | { status: 'seen'; openedAt: Date };

/**
 * One view per user, tutorial and the message whose button opened it: the first call records it ('new'), counts it
 * on the tutorial and starts the user's progress (a row, not completed), in one statement; any repeat (a double tap,
 * a replayed update, a tap on the same old button) changes nothing and returns when it was first opened.
 */
export async function recordTutorialView(
  db: CommonQueryMethods,
  view: { userId: number; tutorialId: number; sourceMessageId: number; at: Date },
): Promise<ViewRecord> {
  const at = view.at.toISOString();
  const row = await db.one(sql.type(openRow)`
    WITH recorded AS (
      INSERT INTO tutorial_views (tutorial_id, user_id, source_message_id, opened_at)
      VALUES (${view.tutorialId}, ${view.userId}, ${view.sourceMessageId}, ${at})
      ON CONFLICT (user_id, tutorial_id, source_message_id) DO NOTHING
      RETURNING id
    ), counted AS (
      UPDATE tutorials SET views = views + 1 WHERE id = ${view.tutorialId} AND EXISTS (SELECT 1 FROM recorded)
    ), started AS (
      INSERT INTO tutorial_progress (user_id, tutorial_id, is_completed, created_at)
      SELECT ${view.userId}, ${view.tutorialId}, FALSE, ${at} WHERE EXISTS (SELECT 1 FROM recorded)
      ON CONFLICT (user_id, tutorial_id) DO NOTHING
    )
    SELECT EXISTS (SELECT 1 FROM recorded) AS recorded,
           (SELECT opened_at FROM tutorial_views
             WHERE user_id = ${view.userId} AND tutorial_id = ${view.tutorialId} AND source_message_id = ${view.sourceMessageId}) AS opened_at
  `);
  if (row.recorded) return { status: 'new' };
  // Neither recorded nor there when the statement began: a twin of this open committed meanwhile (a double tap).
  return { status: 'seen', openedAt: row.opened_at ?? view.at };
}

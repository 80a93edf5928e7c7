import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const startedCompletedRow = z.object({ started: z.number(), completed: z.number() });

/** Marks the tutorial completed or not; true when this changed it (false: it already was). */
export async function setTutorialCompletion(db: CommonQueryMethods, userId: number, tutorialId: number, completed: boolean, at: Date): Promise<boolean> {
  const changed = await db.maybeOne(sql.unsafe`
    INSERT INTO tutorial_progress (user_id, tutorial_id, is_completed, completed_at, created_at)
    VALUES (${userId}, ${tutorialId}, ${completed}, ${completed ? at.toISOString() : null}, ${at.toISOString()})
    ON CONFLICT (user_id, tutorial_id) DO UPDATE
      SET is_completed = EXCLUDED.is_completed, completed_at = EXCLUDED.completed_at
      WHERE tutorial_progress.is_completed <> EXCLUDED.is_completed
    RETURNING id
  `);
  return changed !== null;
}

export async function isTutorialCompleted(db: CommonQueryMethods, userId: number, tutorialId: number): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM tutorial_progress WHERE user_id = ${userId} AND tutorial_id = ${tutorialId} AND is_completed
  `);
}

/** How many users opened and finished a tutorial, for its admin card. */
export async function tutorialProgressCounts(db: CommonQueryMethods, tutorialId: number): Promise<{ started: number; completed: number }> {
  return db.one(sql.type(startedCompletedRow)`
    SELECT count(*)::int8 AS started, count(*) FILTER (WHERE is_completed)::int8 AS completed
      FROM tutorial_progress WHERE tutorial_id = ${tutorialId}
  `);
}

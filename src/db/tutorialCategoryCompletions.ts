import { sql, type CommonQueryMethods } from 'slonik';
import type { TutorialCategory } from './tutorials.ts';

/** Records that the user was congratulated for finishing a category; true only the first time. */
export async function markCategoryCongratulated(db: CommonQueryMethods, userId: number, category: TutorialCategory, at: Date): Promise<boolean> {
  const inserted = await db.maybeOne(sql.unsafe`
    INSERT INTO tutorial_category_completions (user_id, category, congratulated_at)
    VALUES (${userId}, ${category}, ${at.toISOString()})
    ON CONFLICT (user_id, category) DO NOTHING
    RETURNING id
  `);
  return inserted !== null;
}

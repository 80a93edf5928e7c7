import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { TUTORIAL_CATEGORIES, type TutorialCategory } from '../tutorials.ts';

const categoryProgressSchema = z.object({ category: z.enum(TUTORIAL_CATEGORIES), total: z.number(), done: z.number() });
export type CategoryProgressRow = z.infer<typeof categoryProgressSchema>;

/** Per category: its published tutorials, and how many of them the user finished. */
export async function categoryProgress(db: CommonQueryMethods, userId: number): Promise<readonly CategoryProgressRow[]> {
  return db.any(sql.type(categoryProgressSchema)`
    SELECT t.category, count(*)::int8 AS total, count(*) FILTER (WHERE p.is_completed)::int8 AS done
      FROM tutorials t
      LEFT JOIN tutorial_progress p ON p.tutorial_id = t.id AND p.user_id = ${userId}
     WHERE t.is_published
     GROUP BY t.category
  `);
}

const listedTutorialSchema = z.object({ id: z.number(), title: z.string(), excerpt: z.string().nullable(), completed: z.boolean() });
export type ListedTutorial = z.infer<typeof listedTutorialSchema>;

/** A category's published tutorials in display order, each with whether the user finished it. */
export async function publishedTutorialsWithProgress(db: CommonQueryMethods, category: TutorialCategory, userId: number): Promise<readonly ListedTutorial[]> {
  return db.any(sql.type(listedTutorialSchema)`
    SELECT t.id, t.title, t.excerpt, coalesce(p.is_completed, FALSE) AS completed
      FROM tutorials t
      LEFT JOIN tutorial_progress p ON p.tutorial_id = t.id AND p.user_id = ${userId}
     WHERE t.category = ${category} AND t.is_published
     ORDER BY t."order", t.id
  `);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

const maxRow = z.object({ max: z.number().nullable() });

export const TUTORIAL_CATEGORIES = ['getting_started', 'trading', 'wallet', 'security', 'faq'] as const;
export type TutorialCategory = (typeof TUTORIAL_CATEGORIES)[number];

export const tutorialSchema = z.object({
  id: z.number(),
  title: z.string(),
  content: z.string(),
  category: z.enum(TUTORIAL_CATEGORIES),
  video_url: z.string().nullable(),
  slug: z.string(),
  excerpt: z.string().nullable(),
  thumbnail: z.string().nullable(),
  order: z.number(),
  is_published: z.boolean(),
  author_id: z.number().nullable(),
  views: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
});
const tutorialColumns = columnsOf(tutorialSchema);
export type TutorialRow = z.infer<typeof tutorialSchema>;

/** What an author writes; the slug, author and times are set by the service. */
export interface TutorialFields {
  title: string;
  category: TutorialCategory;
  content: string;
  excerpt: string | null;
  videoUrl: string | null;
  thumbnail: string | null;
  order: number;
}

export interface NewTutorial extends TutorialFields {
  slug: string;
  isPublished: boolean;
  authorId: number | null;
  at: Date;
}

const COLUMN: Record<keyof TutorialFields, string> = {
  title: 'title',
  category: 'category',
  content: 'content',
  excerpt: 'excerpt',
  videoUrl: 'video_url',
  thumbnail: 'thumbnail',
  order: 'order',
};

/** Inserts a tutorial; null when `onlyIfSlugFree` and the slug is taken (starter content never overwrites). */
export async function insertTutorial(db: CommonQueryMethods, tutorial: NewTutorial, options: { onlyIfSlugFree?: boolean } = {}): Promise<TutorialRow | null> {
  return db.maybeOne(sql.type(tutorialSchema)`
    INSERT INTO tutorials (title, content, category, video_url, slug, excerpt, thumbnail, "order", is_published, author_id, created_at, updated_at)
    VALUES (${tutorial.title}, ${tutorial.content}, ${tutorial.category}, ${tutorial.videoUrl}, ${tutorial.slug}, ${tutorial.excerpt},
            ${tutorial.thumbnail}, ${tutorial.order}, ${tutorial.isPublished}, ${tutorial.authorId}, ${tutorial.at.toISOString()}, ${tutorial.at.toISOString()})
    ${options.onlyIfSlugFree ? sql.fragment`ON CONFLICT (slug) DO NOTHING` : sql.fragment``}
    RETURNING ${tutorialColumns}
  `);
}

export async function findTutorial(db: CommonQueryMethods, id: number, options: { forUpdate?: boolean } = {}): Promise<TutorialRow | null> {
  return db.maybeOne(sql.type(tutorialSchema)`
    SELECT ${tutorialColumns} FROM tutorials WHERE id = ${id} ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}
  `);
}

export async function findTutorialBySlug(db: CommonQueryMethods, slug: string): Promise<TutorialRow | null> {
  return db.maybeOne(sql.type(tutorialSchema)`SELECT ${tutorialColumns} FROM tutorials WHERE slug = ${slug}`);
}

export async function updateTutorial(db: CommonQueryMethods, id: number, patch: Partial<TutorialFields>, at: Date): Promise<TutorialRow | null> {
  const assignments = (Object.entries(patch) as [keyof TutorialFields, string | number | null][]).map(
    ([field, value]) => sql.fragment`${sql.identifier([COLUMN[field]])} = ${value}`,
  );
  return db.maybeOne(sql.type(tutorialSchema)`
    UPDATE tutorials SET ${sql.join([...assignments, sql.fragment`updated_at = ${at.toISOString()}`], sql.fragment`, `)}
     WHERE id = ${id} RETURNING ${tutorialColumns}
  `);
}

/** Publishes or unpublishes; null when it is already so (or gone), so a double tap changes nothing. */
export async function setTutorialPublished(db: CommonQueryMethods, id: number, published: boolean, at: Date): Promise<TutorialRow | null> {
  return db.maybeOne(sql.type(tutorialSchema)`
    UPDATE tutorials SET is_published = ${published}, updated_at = ${at.toISOString()}
     WHERE id = ${id} AND is_published <> ${published} RETURNING ${tutorialColumns}
  `);
}

export async function deleteTutorial(db: CommonQueryMethods, id: number): Promise<TutorialRow | null> {
  return db.maybeOne(sql.type(tutorialSchema)`DELETE FROM tutorials WHERE id = ${id} RETURNING ${tutorialColumns}`);
}

/** Every tutorial of a category (drafts too, for admins) in display order. */
export async function listTutorials(db: CommonQueryMethods, category: TutorialCategory): Promise<readonly TutorialRow[]> {
  return db.any(sql.type(tutorialSchema)`SELECT ${tutorialColumns} FROM tutorials WHERE category = ${category} ORDER BY "order", id`);
}

const categoryCountSchema = z.object({ category: z.enum(TUTORIAL_CATEGORIES), total: z.number(), published: z.number() });

export async function countTutorialsByCategory(db: CommonQueryMethods): Promise<readonly z.infer<typeof categoryCountSchema>[]> {
  return db.any(sql.type(categoryCountSchema)`
    SELECT category, count(*)::int8 AS total, count(*) FILTER (WHERE is_published)::int8 AS published FROM tutorials GROUP BY category
  `);
}

/** The latest display order in a category, so a new tutorial can go after it. */
export async function maxTutorialOrder(db: CommonQueryMethods, category: TutorialCategory): Promise<number | null> {
  return db.oneFirst(sql.type(maxRow)`SELECT max("order") AS max FROM tutorials WHERE category = ${category}`);
}

export async function slugExists(db: CommonQueryMethods, slug: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM tutorials WHERE slug = ${slug}`);
}

/** Serialises slug choices (inside the transaction that inserts), so two equal titles never pick the same slug. */
export async function lockTutorialSlugs(db: CommonQueryMethods): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('tutorials.slug'))`);
}

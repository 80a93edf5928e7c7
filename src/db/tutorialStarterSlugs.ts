import { sql, type CommonQueryMethods } from 'slonik';

/** Claims a starter tutorial's slug; true only the first time ever, so starter content is added once. */
export async function claimStarterSlug(db: CommonQueryMethods, slug: string, at: Date): Promise<boolean> {
  const inserted = await db.maybeOne(sql.unsafe`
    INSERT INTO tutorial_starter_slugs (slug, added_at) VALUES (${slug}, ${at.toISOString()})
    ON CONFLICT (slug) DO NOTHING
    RETURNING slug
  `);
  return inserted !== null;
}

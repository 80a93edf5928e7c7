import { sql, type CommonQueryMethods } from 'slonik';

export async function insertUserMetrics(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO user_metrics (user_id, updated_at) VALUES (${userId}, now())`);
}

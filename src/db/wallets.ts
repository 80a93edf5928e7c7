import { sql, type CommonQueryMethods } from 'slonik';

export async function insertWallet(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO wallets (user_id, updated_at) VALUES (${userId}, now())`);
}

import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import type { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export interface Decision {
  status: 'approved' | 'declined';
  declineReason?: string | null;
  decidedAt: Date;
}

/**
 * The guarded decision shared by the request tables (status pending → approved | declined): returns the row,
 * or null when it is no longer pending (someone decided first). Runs inside the transaction that applies the
 * decision's money effect. `condition` narrows the rows further (e.g. a type column).
 */
export async function decidePendingRow<T extends z.ZodObject>(
  db: CommonQueryMethods,
  table: string,
  schema: T,
  id: number,
  decision: Decision,
  condition: FragmentSqlToken = sql.fragment`TRUE`,
): Promise<z.infer<T> | null> {
  return db.maybeOne(sql.type(schema)`
    UPDATE ${sql.identifier([table])}
       SET status = ${decision.status}, decline_reason = ${decision.declineReason ?? null}, decided_at = ${decision.decidedAt.toISOString()}
     WHERE id = ${id} AND status = 'pending' AND ${condition}
    RETURNING ${columnsOf(schema)}
  `) as Promise<z.infer<T> | null>;
}

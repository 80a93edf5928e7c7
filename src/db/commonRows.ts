import { sql, type ListSqlToken } from 'slonik';
import { z } from 'zod';

// Row shapes many queries share, built once: a schema built per call costs more than the query's parsing.
export const countRow = z.object({ count: z.number() });
export const idRow = z.object({ id: z.number() });

/**
 * The columns a row schema reads, by name (`alias.column` with an alias). Statements never select `*`: a column a
 * later migration adds then changes nothing for an instance still running this code, where a prepared `SELECT *`
 * fails with "cached plan must not change result type" (the README's upgrade promise).
 */
export function columnsOf(schema: z.ZodObject, alias?: string): ListSqlToken {
  return sql.join(
    Object.keys(schema.shape).map((column) => sql.identifier(alias === undefined ? [column] : [alias, column])),
    sql.fragment`, `,
  );
}

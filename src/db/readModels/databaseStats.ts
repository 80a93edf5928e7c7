import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const sizeRow = z.object({ size: z.number() });

const tableStatsSchema = z.object({ table: z.string(), rows: z.number(), bytes: z.number() });
export type TableStats = z.infer<typeof tableStatsSchema>;

export interface DatabaseStats {
  databaseBytes: number;
  /** Largest first: rows counted exactly, size with indexes and TOAST. */
  tables: readonly TableStats[];
}

/** Every table of schema public with its exact row count and size, and the whole database's size, at one moment. */
export async function readDatabaseStats(db: CommonQueryMethods): Promise<DatabaseStats> {
  // query_to_xml runs each table's count(*) inside this one statement, so every count comes from the same snapshot.
  const tables = await db.any(sql.type(tableStatsSchema)`
    SELECT c.relname AS table,
           (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', c.relname), false, true, '')))[1]::text::bigint AS rows,
           pg_total_relation_size(c.oid) AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     ORDER BY bytes DESC, c.relname
  `);
  const databaseBytes = await db.oneFirst(sql.type(sizeRow)`SELECT pg_database_size(current_database()) AS size`);
  return { databaseBytes, tables };
}

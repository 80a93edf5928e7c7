import type { DatabasePool } from 'slonik';
import { readDatabaseStats, type DatabaseStats } from '../../db/readModels/databaseStats.ts';

export type { DatabaseStats };

export interface DatabaseStatsService {
  /** The size of the database and of each table, with exact row counts, now. */
  current(): Promise<DatabaseStats>;
}

export function createDatabaseStatsService(pool: DatabasePool): DatabaseStatsService {
  return { current: () => readDatabaseStats(pool) };
}

import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../../logger.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));
// Any constant shared by every instance: the lock serialises concurrent start-ups.
const MIGRATION_LOCK_KEY = 7_240_626_001;

/**
 * Applies the SQL files in migrations/ in order. Instances that start together wait on one advisory lock,
 * so the first migrates and the others find nothing left to do.
 */
export async function runMigrations(databaseUrl: string, logger: Logger): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'schema_migrations',
      noLock: true,
      checkOrder: true,
      singleTransaction: true,
      logger: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.warn({ migrations: message }, 'migration warning'),
        error: (message: string) => logger.error({ migrations: message }, 'migration error'),
      },
    });
    const names = applied.map((migration) => migration.name);
    if (names.length > 0) logger.info({ applied: names }, 'migrations applied');
    return names;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

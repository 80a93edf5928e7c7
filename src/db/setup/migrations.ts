import { runner } from 'node-pg-migrate';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
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

/** The migrations recorded as applied, in the order they ran. */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY run_on, id');
  return rows.map((row) => row.name);
}

/** What node-pg-migrate creates to record applied migrations (so a restore can record them the same way). */
export const MIGRATIONS_TABLE_DDL = 'CREATE TABLE schema_migrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);';

/** A migration file's Up section, found the way node-pg-migrate finds it ('-- Up Migration' … '-- Down Migration'). */
export async function migrationUpSql(name: string): Promise<string> {
  const file = path.join(MIGRATIONS_DIR, `${name}.sql`);
  if (!existsSync(file)) throw new Error(`The database has migration ${name} applied, but ${file} does not exist: back up with the version of the bot that migrated it.`);
  const content = await readFile(file, 'utf8');
  const up = content.search(/^\s*--[\s-]*up\s+migration/im);
  const down = content.search(/^\s*--[\s-]*down\s+migration/im);
  if (up < 0) return content;
  return content.slice(up, down < up ? undefined : down);
}

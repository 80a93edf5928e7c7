import { runMigrations } from './db/setup/migrations.ts';
import { openDatabaseInUse } from './ops/databaseInUse.ts';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
async function migrate(): Promise<void> {
  const database = await openDatabaseInUse();
  try {
    const applied = await runMigrations(database.url, database.logger);
    database.logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database is up to date');
  } finally {
    await database.close();
  }
}

await migrate();

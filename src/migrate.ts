import { loadConfig, ConfigError } from './config.ts';
import { startEmbeddedDatabase } from './db/setup/embedded.ts';
import { runMigrations } from './db/setup/migrations.ts';
import { createLogger } from './logger.ts';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
async function migrate(): Promise<void> {
  const environment = { BOT_TOKEN: '0:migrate', ADMIN_CHAT_ID: '0', ...process.env };
  let config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, logger);
  try {
    const applied = await runMigrations(config.databaseUrl ?? embedded?.url ?? '', logger);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database is up to date');
  } finally {
    await embedded?.stop();
  }
}

await migrate();

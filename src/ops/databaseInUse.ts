import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openEmbeddedDatabase } from '../db/setup/embeddedInUse.ts';
import { createLogger, type Logger } from '../logger.ts';

export interface DatabaseInUse {
  config: Config;
  logger: Logger;
  /** DATABASE_URL, or the embedded database under DATA_DIR. */
  url: string;
  /** Stops the embedded database if this tool started it. */
  close(): Promise<void>;
}

/**
 * What the operations tools (migrate, backup, restore) work on: the bot's own configuration (BOT_TOKEN and
 * ADMIN_CHAT_ID are not needed) and its database: DATABASE_URL, or the embedded one, which is used where a bot
 * is running on it and started for the command otherwise. A configuration error stops with one line.
 */
export async function openDatabaseInUse(): Promise<DatabaseInUse> {
  let config: Config;
  try {
    config = loadConfig({ BOT_TOKEN: '0:operations', ADMIN_CHAT_ID: '0', ...process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, undefined, { pretty: process.stdout.isTTY });
  if (config.databaseUrl) return { config, logger, url: config.databaseUrl, close: async () => {} };
  const embedded = await openEmbeddedDatabase(config.dataDir, logger);
  return { config, logger, url: embedded.url, close: () => embedded.stop() };
}

/** Runs a tool's work: a failure is one line on stderr (its message, never a stack or a query's values) and exit code 1. */
export async function runTool(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

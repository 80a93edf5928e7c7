import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import { DATABASE_NAME, embeddedDatabaseUrl, parentPid, runningServerPid, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts';

/**
 * The database URL of the embedded server a running bot started on this DATA_DIR (its port is in the server's
 * lock file, its password beside the data), or undefined when none runs.
 */
function runningEmbeddedUrl(root: string): string | undefined {
  const locationFile = path.join(root, 'postgres-location');
  const databaseDir = existsSync(locationFile) ? readFileSync(locationFile, 'utf8').trim() : path.join(root, 'postgres');
  const pid = runningServerPid(databaseDir);
  if (pid === undefined || parentPid(pid) === 1) return undefined;
  // postmaster.pid: pid, data directory, start time, port, socket directory (empty without one), …
  const [, , , port, socketDir] = readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n').map((line) => line.trim());
  const password = readFileSync(path.join(root, 'postgres-password'), 'utf8').trim();
  return embeddedDatabaseUrl({ password, port: Number(port), socketDir: socketDir || undefined }, DATABASE_NAME);
}

/**
 * For tools (migrate, backup, restore): the embedded database of DATA_DIR, served by the bot that is running
 * on it (left running on stop), or started now and stopped by stop().
 */
export async function openEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const url = runningEmbeddedUrl(path.resolve(dataDir));
  if (url) {
    logger.info('using the embedded PostgreSQL of the bot running on this DATA_DIR');
    return { url, stop: async () => {} };
  }
  return startEmbeddedDatabase(dataDir, logger);
}

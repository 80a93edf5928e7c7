import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import pg from 'pg';
import * as tar from 'tar';
import { writeDatabaseDump, type DumpSummary } from '../db/setup/backupSql.ts';
import { restoreDatabaseDump, RestoreError } from '../db/setup/restoreSql.ts';

/** Inside the archive: the database as plain SQL, and DATA_DIR/media as it is. */
const DUMP_ENTRY = 'database.sql';
const MEDIA_ENTRY = 'media';

export interface BackupResult {
  file: string;
  summary: DumpSummary;
  /** Files of DATA_DIR/media in the archive. */
  mediaFiles: number;
  bytes: number;
}

/** `tradebot-backup-20250131T140502Z.tar.gz`: sorts by time, and says what it is. */
export function backupFileName(at: Date): string {
  return `tradebot-backup-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;
}

/** Where a backup goes: a named file, a file in a named folder, or by default a file in DATA_DIR/backups. */
async function backupTarget(dataDir: string, requested: string | undefined, at: Date): Promise<string> {
  const given = requested ?? path.join(dataDir, 'backups');
  const isFolder = requested === undefined || (existsSync(given) && (await stat(given)).isDirectory()) || requested.endsWith('/');
  if (!isFolder) return path.resolve(given);
  await mkdir(given, { recursive: true, mode: 0o700 });
  return path.resolve(given, backupFileName(at));
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Writes one gzipped tar archive (mode 0600: it holds identity documents) with the database dump and the media
 * files. It is written under a temporary name and renamed when complete, so a backup that exists is whole.
 */
export async function createBackup(options: { databaseUrl: string; dataDir: string; target?: string; now: Date }): Promise<BackupResult> {
  const file = await backupTarget(options.dataDir, options.target, options.now);
  const staging = await mkdtemp(path.join(path.dirname(file), '.backup-'));
  const partial = `${file}.partial`;
  try {
    const dumpFile = await open(path.join(staging, DUMP_ENTRY), 'wx', 0o600);
    const summary = await withClient(options.databaseUrl, async (client) => {
      const out = dumpFile.createWriteStream();
      const written = await writeDatabaseDump(client, out, options.now);
      out.end();
      await finished(out);
      return written;
    });
    const entries = [DUMP_ENTRY];
    const media = path.resolve(options.dataDir, MEDIA_ENTRY);
    if (existsSync(media)) {
      await symlink(media, path.join(staging, MEDIA_ENTRY));
      entries.push(MEDIA_ENTRY);
    }
    let mediaFiles = 0;
    const countMedia = (entry: tar.WriteEntry) => {
      if (entry.type === 'File' && entry.path.startsWith(`${MEDIA_ENTRY}/`)) mediaFiles += 1;
    };
    await pipeline(
      tar.create({ gzip: true, cwd: staging, follow: true, portable: true, onWriteEntry: countMedia }, entries),
      createWriteStream(partial, { mode: 0o600 }),
    );
    await rename(partial, file);
    return { file, summary, mediaFiles, bytes: (await stat(file)).size };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export interface RestoreResult {
  summary: DumpSummary;
  /** Media files the archive held that were not in DATA_DIR/media yet. */
  mediaRestored: number;
}

/**
 * Restores a backup archive (or a bare database.sql): first the database, in one transaction that either
 * loads and checks everything or changes nothing; then the media files into DATA_DIR/media, keeping files that
 * are already there (their names are unique, so an existing file is the same file).
 */
export async function restoreBackup(options: { databaseUrl: string; dataDir: string; file: string; force: boolean }): Promise<RestoreResult> {
  if (!existsSync(options.file)) throw new RestoreError(`There is no file ${options.file}.`);
  if (!(await isGzip(options.file))) {
    const summary = await withClient(options.databaseUrl, (client) => restoreDatabaseDump(client, createReadStream(options.file), { force: options.force }));
    return { summary, mediaRestored: 0 };
  }
  const staging = await mkdtemp(path.join(tmpdir(), 'tradebot-restore-'));
  try {
    await tar.extract({ file: options.file, cwd: staging, filter: (entry) => entry === DUMP_ENTRY });
    if (!existsSync(path.join(staging, DUMP_ENTRY))) throw new RestoreError(`${options.file} holds no ${DUMP_ENTRY}: it is not a backup made by npm run db:backup.`);
    const summary = await withClient(options.databaseUrl, (client) =>
      restoreDatabaseDump(client, createReadStream(path.join(staging, DUMP_ENTRY)), { force: options.force }),
    );
    let mediaRestored = 0;
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    await tar.extract({
      file: options.file,
      cwd: options.dataDir,
      keep: true,
      filter: (entryPath, entry) => {
        const isMedia = entryPath.startsWith(`${MEDIA_ENTRY}/`);
        if (isMedia && 'type' in entry && entry.type === 'File' && !existsSync(path.join(options.dataDir, entryPath))) mediaRestored += 1;
        return isMedia;
      },
    });
    return { summary, mediaRestored };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

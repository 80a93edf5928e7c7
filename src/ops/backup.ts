import { createBackup } from './backupArchive.ts';
import { openDatabaseInUse, runTool } from './databaseInUse.ts';

/**
 * `npm run db:backup [-- PATH]`: the database in use (DATABASE_URL, or the embedded one) and DATA_DIR/media, in
 * one timestamped archive in DATA_DIR/backups, or at PATH (a file, or a folder to put it in).
 */
await runTool(async () => {
  const database = await openDatabaseInUse();
  try {
    const backup = await createBackup({ databaseUrl: database.url, dataDir: database.config.dataDir, target: process.argv[2], now: new Date() });
    const rows = Object.values(backup.summary.rows).reduce((sum, count) => sum + count, 0);
    const tables = Object.keys(backup.summary.rows).length;
    process.stdout.write(`Backup written to ${backup.file} (${tables} tables, ${rows} rows, ${backup.mediaFiles} media files; ${backup.bytes} bytes).\n`);
  } finally {
    await database.close();
  }
});

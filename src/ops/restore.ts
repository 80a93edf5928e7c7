import { restoreBackup } from './backupArchive.ts';
import { openDatabaseInUse, runTool } from './databaseInUse.ts';

const USAGE = 'Usage: npm run db:restore -- FILE [--force]   (FILE: an archive from npm run db:backup; --force replaces a database that is not empty)';

/**
 * `npm run db:restore -- FILE [--force]`: restores a backup into the database in use (DATABASE_URL, or the
 * embedded one), which must be empty unless --force, and its media files into DATA_DIR/media. Starting the bot
 * afterwards applies any migrations newer than the backup.
 */
const args = process.argv.slice(2);
const force = args.includes('--force');
const [file, ...extra] = args.filter((arg) => arg !== '--force');
if (file === undefined || extra.length > 0 || file.startsWith('-')) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(1);
}
await runTool(async () => {
  const database = await openDatabaseInUse();
  try {
    const restored = await restoreBackup({ databaseUrl: database.url, dataDir: database.config.dataDir, file, force });
    const rows = Object.values(restored.summary.rows).reduce((sum, count) => sum + count, 0);
    process.stdout.write(
      `Restored the backup of ${restored.summary.createdAt}: ${Object.keys(restored.summary.rows).length} tables and ${rows} rows ` +
        `(every count checked), ${restored.mediaRestored} media files. Start the bot to apply newer migrations, if any.\n`,
    );
  } finally {
    await database.close();
  }
});

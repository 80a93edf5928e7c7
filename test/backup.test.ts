import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, stat, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatGhs } from '../src/services/common/amounts.ts';
import { ADMIN_CHAT_ID, startTestBot } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { sidewaysPhoto } from './support/images.ts';
import { placeOrder, trader } from './support/market.ts';
import { ADMIN, createMoneyHarness, invariantViolations, setPrice, walletOf, type MoneyHarness } from './support/money.ts';
import { runCommand, startBotProcess, type CommandResult } from './support/process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `npm run -s <script> -- args`, as an operator types it, with exactly this environment (plus PATH and HOME). */
function npmRun(script: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runCommand('npm', ['run', '-s', script, '--', ...args], { cwd: ROOT, env });
}

/** Every table's exact row count and a digest of all its rows. */
async function tableContents(db: TestDatabase): Promise<Record<string, { rows: number; digest: string }>> {
  const tables = await db.query<{ name: string }>("SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1");
  const contents: Record<string, { rows: number; digest: string }> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ rows: number; digest: string }>(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM public."${name}" t`);
    if (row) contents[name] = row;
  }
  return contents;
}

async function filesUnder(folder: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    found[path.relative(folder, full)] = (await readFile(full)).toString('base64');
  }
  return found;
}

describe('npm run db:backup, then npm run db:restore into a new database', () => {
  let source: MoneyHarness;
  let target: TestDatabase;
  let restoredDataDir: string;
  let backupDir: string;
  let traders: number[];
  let kycId: number;

  beforeAll(async () => {
    source = await createMoneyHarness();
    target = await createTestDatabase({ empty: true });
    restoredDataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-restored-'));
    backupDir = await mkdtemp(path.join(tmpdir(), 'tradebot-backups-'));
    // Money in every form: deposits, buys, market orders resting and filled, a KYC with its photos.
    await setPrice(source.services, '15.00');
    traders = [await trader(source, { cedis: '5000.00' }), await trader(source, { crypto: '120.5' }), await trader(source, { cedis: '800.00', crypto: '5' })];
    await placeOrder(source, traders[0] ?? 0, 'BUY', '40', '15.10');
    await placeOrder(source, traders[1] ?? 0, 'SELL', '25.5', '15.05');
    await placeOrder(source, traders[1] ?? 0, 'SELL', '10', '16.00');
    const photo = await sidewaysPhoto();
    const kyc = await source.services.kyc.submit(
      { userId: traders[2] ?? 0, documentType: 'PASSPORT', documentNumber: 'G7654321', firstName: 'Ama', lastName: 'Mensah', dateOfBirth: '1990-01-01', address: 'House 1, High Street, Accra' },
      { front: photo, back: null, selfie: photo },
    );
    if (kyc.status !== 'submitted') throw new Error(kyc.status);
    kycId = kyc.kyc.id;
    expect(await invariantViolations(source.db)).toEqual([]);
  });
  afterAll(async () => {
    await source.close();
    await target.drop();
    await rm(restoredDataDir, { recursive: true, force: true });
    await rm(backupDir, { recursive: true, force: true });
  });

  it('restores every row, balance and media file, checks the counts itself, and the restored database serves the bot', async () => {
    const backup = await npmRun('db:backup', [backupDir], { DATABASE_URL: source.db.url, DATA_DIR: source.dataDir });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const [file] = await readdir(backupDir);
    expect(file).toMatch(/^tradebot-backup-\d{8}T\d{6}Z\.tar\.gz$/);
    const archive = path.join(backupDir, file ?? '');
    const media = await filesUnder(path.join(source.dataDir, 'media'));
    expect(Object.keys(media).length).toBeGreaterThanOrEqual(2);
    expect(backup.stdout).toContain(`Backup written to ${archive} (`);
    expect(backup.stdout).toContain(`rows, ${Object.keys(media).length} media files;`);
    // It holds identity documents: only its owner may read it.
    expect((await stat(archive)).mode & 0o777).toBe(0o600);

    const restore = await npmRun('db:restore', [archive], { DATABASE_URL: target.url, DATA_DIR: restoredDataDir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(new RegExp(`Restored the backup of .*: \\d+ tables and \\d+ rows \\(every count checked\\), ${Object.keys(media).length} media files`));

    const [before, after] = [await tableContents(source.db), await tableContents(target)];
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after).toEqual(before);
    expect(before['trades']?.rows).toBeGreaterThan(0);
    for (const userId of traders) expect(await walletOf(target, userId)).toEqual(await walletOf(source.db, userId));
    expect(await target.query('SELECT id, user_id, balance_cedis, escrow_balance, balance_crypto, escrow_crypto FROM wallets ORDER BY id')).toEqual(
      await source.db.query('SELECT id, user_id, balance_cedis, escrow_balance, balance_crypto, escrow_crypto FROM wallets ORDER BY id'),
    );
    expect(await invariantViolations(target)).toEqual([]);
    expect(await filesUnder(path.join(restoredDataDir, 'media'))).toEqual(media);

    // The bot on the restored database: a user sees their balance, an admin decides the KYC from its card (photos included).
    const tg = await FakeTelegram.start();
    const admin = tg.createUser({ id: ADMIN.id, first_name: 'Admin', last_name: 'Desk' });
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
    const bot = await startTestBot({ db: target, tg, adminIds: [ADMIN.id], dataDir: restoredDataDir });
    try {
      // The restored users are Telegram users too (the KYC decision notifies its owner, with what was waiting).
      const restoredUsers = await target.query<{ id: number; telegram_id: string }>('SELECT id::int, telegram_id::text FROM users ORDER BY id');
      const chats = new Map(restoredUsers.map((row) => [row.id, tg.createUser({ id: Number(row.telegram_id), first_name: 'Ama' })]));
      const user = chats.get(traders[0] ?? 0);
      if (!user) throw new Error('the first trader was not restored');
      await user.send('/wallet');
      const wallet = await tg.waitForMessage(user.id, 'Cedis:');
      expect(wallet.text).toContain(formatGhs((await walletOf(source.db, traders[0] ?? 0)).balance_cedis));

      await admin.send('/pending', { chatId: ADMIN_CHAT_ID });
      const list = await tg.waitForMessage(ADMIN_CHAT_ID, 'Waiting requests');
      await admin.tap(list, new RegExp(`Show #${kycId}$`), { chatId: ADMIN_CHAT_ID });
      const card = await tg.waitForMessage(ADMIN_CHAT_ID, `KYC verification #${kycId}`);
      expect(tg.messages(ADMIN_CHAT_ID).filter((message) => message.photo).length).toBeGreaterThanOrEqual(2);
      await admin.tap(card, '✅ Approve', { chatId: ADMIN_CHAT_ID });
      await tg.waitForEdit(ADMIN_CHAT_ID, card.message_id, 'Approved by Admin Desk');
      // New rows after the restored ones: the sequences continue where the backup left them.
      const [audit] = await target.query<{ newest: number; restored: number }>(
        "SELECT max(id)::int AS newest, (SELECT max(id)::int FROM admin_audit_log WHERE subject_kind <> 'kyc') AS restored FROM admin_audit_log",
      );
      expect(audit?.newest).toBeGreaterThan(audit?.restored ?? 0);
      await tg.settle();
      expect(tg.rejectedCalls).toEqual([]);
    } finally {
      await bot.stop();
      await tg.stop();
    }
  });

  it('refuses a database that is not empty, and with --force replaces it unless a bot is connected', async () => {
    const [file] = await readdir(backupDir);
    const archive = path.join(backupDir, file ?? '');
    const env = { DATABASE_URL: target.url, DATA_DIR: restoredDataDir };
    const refused = await npmRun('db:restore', [archive], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^The database is not empty \(\d+ tables, sequences or indexes\)\. Restore into a new, empty database, or add --force/);

    // The test's own connections to it are open, as a running bot's would be.
    const busy = await npmRun('db:restore', [archive, '--force'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/other session\(s\) are connected to this database \(a running bot\?\)/);
    await target.disconnect();
    const forced = await npmRun('db:restore', [archive, '--force'], env);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('0 media files');
  });

  it('refuses a file that is not a backup, or one cut short, and changes nothing', async () => {
    const empty = await createTestDatabase({ empty: true });
    try {
      const env = { DATABASE_URL: empty.url, DATA_DIR: restoredDataDir };
      const notBackup = path.join(backupDir, 'notes.sql');
      await writeFile(notBackup, 'DROP TABLE users;\n');
      const refused = await npmRun('db:restore', [notBackup], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is not a backup made by npm run db:backup');

      const dump = await npmRun('db:backup', [path.join(backupDir, 'whole.tar.gz')], { DATABASE_URL: source.db.url, DATA_DIR: source.dataDir });
      expect(dump.code).toBe(0);
      const whole = path.join(backupDir, 'database.sql');
      expect((await runCommand('tar', ['-xzf', path.join(backupDir, 'whole.tar.gz'), '-C', backupDir, 'database.sql'])).code).toBe(0);
      const text = await readFile(whole, 'utf8');
      const cut = path.join(backupDir, 'cut.sql');
      await writeFile(cut, text.slice(0, text.indexOf('-- tradebot:copy wallets')));
      const incomplete = await npmRun('db:restore', [cut], env);
      expect(incomplete.code).toBe(1);
      expect(incomplete.stderr).toContain('the file is incomplete');
      expect(await empty.query("SELECT count(*)::int AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).toEqual([{ count: 0 }]);

      // The bare database.sql restores too.
      const bare = await npmRun('db:restore', [whole], env);
      expect(bare.code).toBe(0);
      expect(await tableContents(empty)).toEqual(await tableContents(source.db));
    } finally {
      await empty.drop();
    }
  });

  // DESIGN §8: npm test needs nothing but Node; psql is an extra that .ci/run installs, so CI always runs this.
  it.runIf(spawnSync('psql', ['--version']).status === 0)('writes plain SQL that psql restores into an empty database as well (needs psql)', async () => {
    const empty = await createTestDatabase({ empty: true });
    try {
      // database.sql of the previous test's archive.
      const psql = await runCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-d', empty.url, '-f', path.join(backupDir, 'database.sql')]);
      expect(psql.stderr.split('\n').filter((line) => /ERROR|FATAL/.test(line))).toEqual([]);
      expect(psql.code).toBe(0);
      expect(await tableContents(empty)).toEqual(await tableContents(source.db));
    } finally {
      await empty.drop();
    }
  });
});

describe('without DATABASE_URL', () => {
  it("backs up the embedded database of a running bot, and restores it into another DATA_DIR's", async () => {
    const tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    const [first, second] = [await mkdtemp(path.join(tmpdir(), 'tradebot-embedded-a-')), await mkdtemp(path.join(tmpdir(), 'tradebot-embedded-b-'))];
    try {
      const bot = startBotProcess({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATA_DIR: first });
      await bot.waitForLog('"msg":"bot started"', 60_000);
      const backup = await npmRun('db:backup', [], { DATA_DIR: first });
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain('using the embedded PostgreSQL of the bot running on this DATA_DIR');
      expect(await bot.stop()).toBe(0);
      const [file] = await readdir(path.join(first, 'backups'));

      const restore = await npmRun('db:restore', [path.join(first, 'backups', file ?? '')], { DATA_DIR: second });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      const restarted = startBotProcess({ BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ADMIN_CHAT_ID: String(ADMIN_CHAT_ID), DATA_DIR: second });
      await restarted.waitForLog('"msg":"bot started"', 60_000);
      // The restored database was complete: nothing to migrate.
      expect(restarted.stdout()).not.toContain('"msg":"migrations applied"');
      const kojo = tg.createUser({ id: 64001, first_name: 'Kojo' });
      await kojo.send('/help');
      await tg.waitForMessage(kojo.id, 'What I can do');
      expect(await restarted.stop()).toBe(0);
    } finally {
      await tg.stop();
      await rm(first, { recursive: true, force: true });
      await rm(second, { recursive: true, force: true });
    }
  }, 120_000);
});

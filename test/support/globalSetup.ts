import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/setup/embedded.ts';
import { runMigrations } from '../../src/db/setup/migrations.ts';
import { createLogger } from '../../src/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection string to a maintenance database, where test databases are created. */
    maintenanceDatabaseUrl: string;
    /** The migrated database that each test file's database is cloned from. */
    templateDatabase: string;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Once per run: PostgreSQL (TEST_DATABASE_URL, or an embedded server in a temporary folder) and a migrated
 * template database; each test file clones it, which takes milliseconds instead of a migration run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger('warn');
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let maintenanceUrl = process.env.TEST_DATABASE_URL;
  if (!maintenanceUrl) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-test-'));
    embedded = await startEmbeddedDatabase(dataDir, logger);
    maintenanceUrl = withDatabase(embedded.url, 'postgres');
  }

  const templateDatabase = `tradebot_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: maintenanceUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await runMigrations(withDatabase(maintenanceUrl, templateDatabase), logger);
  // As a desk sets them before opening (a fresh install refuses deposits and buys without them).
  const template = new pg.Client({ connectionString: withDatabase(maintenanceUrl, templateDatabase) });
  await template.connect();
  await template.query('UPDATE settings SET momo_payment_details = $1, bank_payment_details = $2', [
    'MTN Mobile Money 024 000 0000, name: Trading Desk Ltd',
    'GCB Bank, account 1234567890123, name: Trading Desk Ltd',
  ]);
  await template.end();

  project.provide('maintenanceDatabaseUrl', maintenanceUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabasePool, type DatabasePool } from '../../src/db/setup/pool.ts';

export interface TestDatabase {
  url: string;
  pool: DatabasePool;
  /** Runs raw SQL for assertions and set-up, outside the product's query layer. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Closes the test's connections (the database stays). */
  disconnect(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of this test file's own, cloned from the run's template; `empty` gives one with
 * nothing in it at all (template0), as a new database on a server is.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const maintenanceUrl = inject('maintenanceDatabaseUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: maintenanceUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : inject('templateDatabase')}`);
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  const pool = await createDatabasePool(url.toString());
  const raw = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // DROP DATABASE … WITH (FORCE) ends connections that are still closing; that is expected at teardown.
  raw.on('error', () => undefined);
  pool.on('error', () => undefined);
  let connected = true;
  const disconnect = async () => {
    if (!connected) return;
    connected = false;
    await pool.end();
    await raw.end();
  };
  return {
    url: url.toString(),
    pool,
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await raw.query<R>(text, values)).rows,
    disconnect,
    drop: async () => {
      await disconnect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

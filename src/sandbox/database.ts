import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase } from '../db/setup/embedded.ts';
import type { Logger } from '../logger.ts';

/** Where sandbox sessions get their databases: each session a fresh, empty one. */
export interface SandboxDatabases {
  /** Drops the previous session's database and creates an empty one; its connection string. */
  fresh(): Promise<string>;
  /** Drops the last database and stops the server, if the sandbox started one. */
  stop(): Promise<void>;
}

/** Fresh databases named `name` on a PostgreSQL server reached through its maintenance database. */
export function databasesOn(maintenanceUrl: string, name: string, stopServer: () => Promise<void> = () => Promise.resolve()): SandboxDatabases {
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: maintenanceUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const drop = () => run(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  return {
    async fresh() {
      await drop();
      await run(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      const url = new URL(maintenanceUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      await drop();
      await stopServer();
    },
  };
}

/** An embedded PostgreSQL of the sandbox's own under DATA_DIR/sandbox, never the bot's real database. */
export async function embeddedSandboxDatabases(sandboxDir: string, logger: Logger): Promise<SandboxDatabases> {
  const embedded = await startEmbeddedDatabase(path.resolve(sandboxDir), logger);
  const maintenance = new URL(embedded.url);
  maintenance.pathname = '/postgres';
  return databasesOn(maintenance.toString(), 'sandbox', () => embedded.stop());
}

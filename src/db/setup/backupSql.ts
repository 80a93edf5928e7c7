import { once } from 'node:events';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { appliedMigrations, migrationUpSql, MIGRATIONS_TABLE_DDL } from './migrations.ts';
import { quoted, schemaSignature, sequenceStates, tablesInLoadOrder } from './schemaCatalog.ts';

/** The first line of every dump; restore refuses a file without it. */
export const DUMP_HEADER = '-- tradebot backup, format 1';
/** Lines of the dump that the restore reads (comments to psql, so the file stays a plain SQL script). */
export const MARK = { sql: '-- tradebot:sql ', copy: '-- tradebot:copy ', summary: '-- tradebot:summary ' } as const;

/** The dump's last line: what a restore must end up with. */
export interface DumpSummary {
  createdAt: string;
  migrations: string[];
  /** Rows written per table. */
  rows: Record<string, number>;
  /** schemaSignature of the database backed up. */
  schema: string;
}

async function write(out: Writable, text: string | Buffer): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Writes the database as one plain SQL script, from one consistent snapshot (REPEATABLE READ, as pg_dump does):
 * the schema as the Up sections of the applied migrations (the schema is exactly what they build), then every
 * table's rows as COPY blocks in foreign-key order, then where each sequence stands, then a summary the restore
 * checks. `psql --single-transaction -f` restores it into an empty database too.
 */
export async function writeDatabaseDump(client: pg.Client, out: Writable, now: Date): Promise<DumpSummary> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const migrations = await appliedMigrations(client);
    const tables = await tablesInLoadOrder(client);
    const sequences = await sequenceStates(client);
    const schema = await schemaSignature(client);
    await write(out, `${DUMP_HEADER}\n-- made by npm run db:backup at ${now.toISOString()}; restore with npm run db:restore\n`);
    await write(out, "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSET check_function_bodies = false;\n");
    await write(out, `${MARK.sql}schema_migrations\n${MIGRATIONS_TABLE_DDL}\n`);
    for (const name of migrations) {
      const up = await migrationUpSql(name);
      await write(out, `${MARK.sql}migration ${name}\n${up.endsWith('\n') ? up : `${up}\n`}`);
    }
    // Migrations insert starting rows (the settings row); the backed-up rows replace them.
    await write(out, `${MARK.sql}truncate\nTRUNCATE ${tables.map((table) => `public.${quoted(table.name)}`).join(', ')};\n`);
    const rows: Record<string, number> = {};
    for (const table of tables) {
      const columns = table.columns.map(quoted).join(', ');
      await write(out, `${MARK.copy}${table.name}\nCOPY public.${quoted(table.name)} (${columns}) FROM stdin;\n`);
      const source = client.query(copyTo(`COPY public.${quoted(table.name)} (${columns}) TO STDOUT`));
      for await (const chunk of source) await write(out, chunk as Buffer);
      rows[table.name] = source.rowCount;
      await write(out, '\\.\n');
    }
    await write(out, `${MARK.sql}sequences\n`);
    for (const sequence of sequences) {
      await write(out, `SELECT pg_catalog.setval(${pg.escapeLiteral(`public.${quoted(sequence.name)}`)}, ${sequence.lastValue}, ${sequence.isCalled});\n`);
    }
    const summary: DumpSummary = { createdAt: now.toISOString(), migrations, rows, schema };
    await write(out, `${MARK.summary}${JSON.stringify(summary)}\n`);
    return summary;
  } finally {
    await client.query('COMMIT');
  }
}

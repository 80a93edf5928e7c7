import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DUMP_HEADER, MARK, type DumpSummary } from './backupSql.ts';
import { otherSessionCount, schemaSignature, userRelationCount } from './schemaCatalog.ts';

/** A restore that was refused or failed its checks; nothing was changed. */
export class RestoreError extends Error {}

interface CopyInProgress {
  table: string;
  stream: Writable & { rowCount: number };
}

/** Empty, or (forced) emptied: schema public dropped and made again, which needs no other session connected. */
async function prepareTarget(client: pg.Client, force: boolean): Promise<void> {
  const relations = await userRelationCount(client);
  if (relations === 0) return;
  if (!force) {
    throw new RestoreError(`The database is not empty (${relations} tables, sequences or indexes). Restore into a new, empty database, or add --force to replace everything in it.`);
  }
  const others = await otherSessionCount(client);
  if (others > 0) throw new RestoreError(`${others} other session(s) are connected to this database (a running bot?). Stop them first, then restore again.`);
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO PUBLIC;');
}

function checkRestored(summary: DumpSummary | undefined, loaded: Record<string, number>, schema: string): DumpSummary {
  if (!summary) throw new RestoreError('The backup ends before its summary line: the file is incomplete (copied while it was being written, or cut short).');
  const differences = Object.keys({ ...summary.rows, ...loaded }).filter((table) => summary.rows[table] !== loaded[table]);
  if (differences.length > 0) throw new RestoreError(`The rows loaded differ from the rows backed up for: ${differences.join(', ')}.`);
  if (summary.schema !== schema) throw new RestoreError('The restored schema differs from the one backed up (the migrations of this bot version build it differently).');
  return summary;
}

/**
 * Restores a dump written by writeDatabaseDump in one transaction: the target must be empty (or `force`); the
 * SQL sections run as they are, the COPY blocks stream into their tables, and before the commit every table's
 * row count and the schema's signature must equal those the dump recorded. Any failure rolls everything back.
 */
export async function restoreDatabaseDump(client: pg.Client, input: Readable, options: { force: boolean }): Promise<DumpSummary> {
  let first = true;
  let sql: string[] = [];
  let copy: CopyInProgress | undefined;
  let expectingCopyStatement: string | undefined;
  let summary: DumpSummary | undefined;
  const loaded: Record<string, number> = {};
  const flushSql = async () => {
    if (sql.some((line) => line.trim() !== '' && !line.startsWith('--'))) await client.query(sql.join('\n'));
    sql = [];
  };

  await client.query('BEGIN');
  try {
    // Made only now: lines read before the loop starts iterating would be lost.
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (first) {
        if (line !== DUMP_HEADER) throw new RestoreError('This file is not a backup made by npm run db:backup (its first line is not the backup header).');
        first = false;
        await prepareTarget(client, options.force);
      } else if (copy) {
        if (line === '\\.') {
          copy.stream.end();
          await finished(copy.stream);
          loaded[copy.table] = copy.stream.rowCount;
          copy = undefined;
        } else if (copy.stream.errored) {
          throw copy.stream.errored;
        } else if (!copy.stream.write(`${line}\n`)) {
          await once(copy.stream, 'drain');
        }
      } else if (expectingCopyStatement !== undefined) {
        const stream = client.query(copyFrom(line.replace(/ FROM stdin;$/, ' FROM STDIN')));
        // A rejected row fails the stream; the failure is thrown at the block's end, or at once by 'drain'.
        stream.on('error', () => undefined);
        copy = { table: expectingCopyStatement, stream };
        expectingCopyStatement = undefined;
      } else if (line.startsWith(MARK.copy)) {
        await flushSql();
        expectingCopyStatement = line.slice(MARK.copy.length);
      } else if (line.startsWith(MARK.summary)) {
        await flushSql();
        summary = JSON.parse(line.slice(MARK.summary.length)) as DumpSummary;
      } else {
        sql.push(line);
      }
    }
    if (first) throw new RestoreError('The backup file is empty.');
    if (copy) throw new RestoreError(`The backup ends in the middle of table ${copy.table}: the file is incomplete.`);
    await flushSql();
    const restored = checkRestored(summary, loaded, await schemaSignature(client));
    await client.query('COMMIT');
    return restored;
  } catch (error) {
    copy?.stream.destroy();
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

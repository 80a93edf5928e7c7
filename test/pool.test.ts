import { SchemaValidationError, sql, type Interceptor } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDatabasePool, TransactionRefusal, type DatabasePool } from '../src/db/setup/pool.ts';
import { Rollback, withRollback } from '../src/services/common/rollback.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let pool: DatabasePool;
const seen: { sql: string; values: readonly unknown[] }[] = [];
const recorder: Interceptor = {
  name: 'test-recorder',
  beforeQueryExecution: (_context, query) => {
    seen.push({ sql: query.sql, values: query.values });
    return null;
  },
};

beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
  pool = await createDatabasePool(db.url, { interceptors: [recorder] });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('the database pool', () => {
  it("validates every row of a typed query with its schema: values parsed, unknown columns dropped", async () => {
    const rows = await pool.any(sql.type(z.object({ n: z.number(), amount: z.string(), at: z.date() }))`
      SELECT g::int8 AS n, (g * 1.5)::numeric(10, 2) AS amount, timestamptz '2025-06-02 09:00Z' + g * interval '1 day' AS at, 'extra' AS extra
        FROM generate_series(1, 250) g`);
    expect(rows).toHaveLength(250);
    expect(rows[249]).toEqual({ n: 250, amount: '375.00', at: new Date('2026-02-07T09:00:00Z') });
  });

  it('refuses a row that does not match its schema', async () => {
    const query = pool.any(sql.type(z.object({ n: z.number() }))`SELECT 'not a number' AS n`);
    await expect(query).rejects.toBeInstanceOf(SchemaValidationError);
  });

  it('runs the extra interceptors it was given, with each statement and its values', async () => {
    seen.length = 0;
    await pool.query(sql.unsafe`SELECT ${41}::int + 1 AS answer`);
    expect(seen).toEqual([{ sql: 'SELECT $1::int + 1 AS answer', values: [41] }]);
  });

  describe('a transaction its own code refuses', () => {
    // One connection, so a second call gets the first one's connection again if it was kept.
    let single: DatabasePool;
    const backend = sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid()::int8 AS pid`;
    const probeRows = sql.type(z.object({ n: z.number() }))`SELECT n::int8 AS n FROM refusal_probe ORDER BY n`;
    beforeAll(async () => {
      single = await createDatabasePool(db.url, { maxPoolSize: 1 });
      await single.query(sql.unsafe`CREATE TABLE refusal_probe (n int NOT NULL)`);
    });
    afterAll(async () => {
      await single.end();
    });

    it('is rolled back, its refusal reaches the caller, and its connection serves the next call', async () => {
      let refusedOn = 0;
      const outcome = await withRollback<string, string>(() =>
        single.transaction(async (tx) => {
          await tx.query(sql.unsafe`INSERT INTO refusal_probe (n) VALUES (1)`);
          refusedOn = await tx.oneFirst(backend);
          throw new Rollback('insufficient');
        }),
      );
      expect(outcome).toBe('insufficient');
      expect(await single.any(probeRows)).toEqual([]);
      expect(await single.oneFirst(backend)).toBe(refusedOn);
      await single.transaction((tx) => tx.query(sql.unsafe`INSERT INTO refusal_probe (n) VALUES (2)`));
      expect(await single.any(probeRows)).toEqual([{ n: 2 }]);
    });

    it('still discards the connection after a failure that is not a refusal', async () => {
      let failedOn = 0;
      const failing = single.transaction(async (tx) => {
        failedOn = await tx.oneFirst(backend);
        throw new Error('something broke');
      });
      await expect(failing).rejects.toThrow('something broke');
      expect(await single.oneFirst(backend)).not.toBe(failedOn);
      expect(new Rollback('x')).toBeInstanceOf(TransactionRefusal);
    });
  });
});

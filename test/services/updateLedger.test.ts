import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabasePool, type DatabasePool } from '../../src/db/setup/pool.ts';
import { createUpdateLedger } from '../../src/services/platform/updateLedger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let pool: DatabasePool;
const statements: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = await createDatabasePool(db.url, {
    interceptors: [
      {
        name: 'count',
        beforeQueryExecution: (_, query) => {
          statements.push(query.sql);
          return null;
        },
      },
    ],
  });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('the update ledger', () => {
  it('records handled ids and drops the stored copies of handled parked updates in one statement a second', async () => {
    const ledger = createUpdateLedger(pool, { idsOnlyGrow: true });
    await ledger.storeUnfinished([{ update_id: 501 }, { update_id: 502 }, { update_id: 503 }]);
    statements.length = 0;
    for (const updateId of [501, 502, 600]) {
      ledger.markHandled(updateId);
      if (updateId < 600) ledger.dropUnfinished([updateId]);
    }
    expect(statements).toEqual([]);
    await expect.poll(() => db.query('SELECT update_id::int AS update_id FROM unfinished_updates'), { timeout: 5_000 }).toEqual([{ update_id: 503 }]);
    expect(statements).toHaveLength(1);
    expect(await db.query('SELECT update_id::int AS update_id FROM handled_updates ORDER BY update_id')).toEqual([{ update_id: 501 }, { update_id: 502 }, { update_id: 600 }]);
  });

  it('writes what is pending at once when flushed (the stop, the start after replaying parked updates)', async () => {
    const ledger = createUpdateLedger(pool, { idsOnlyGrow: true });
    await ledger.storeUnfinished([{ update_id: 701 }]);
    ledger.markHandled(702);
    ledger.dropUnfinished([701]);
    await ledger.flush();
    expect(await db.query('SELECT update_id FROM unfinished_updates WHERE update_id = 701')).toEqual([]);
    expect(await db.query('SELECT update_id::int AS update_id FROM handled_updates WHERE update_id = 702')).toEqual([{ update_id: 702 }]);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPendingDeposits } from '../../src/db/cashDeposits.ts';
import { listPendingWithdrawals } from '../../src/db/cashWithdrawals.ts';
import { readUserAndConversation } from '../../src/db/conversationStates.ts';
import { listPendingCryptoTransactions } from '../../src/db/cryptoTransactions.ts';
import { listPendingGiftCardOrders } from '../../src/db/giftCardOrders.ts';
import { listOpenKycSubmissions } from '../../src/db/kycSubmissions.ts';
import { createDatabasePool } from '../../src/db/setup/pool.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
/** One connection: a prepared statement lives on the connection that prepared it, as on a running instance. */
let pool: DatabasePool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = await createDatabasePool(db.url, { maxPoolSize: 1 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Every prepared statement of src/db (the admins' queue reads them). */
const preparedReads = (connection: DatabasePool) =>
  Promise.all([
    listPendingDeposits(connection, [1]),
    listPendingWithdrawals(connection, [1]),
    listPendingCryptoTransactions(connection, 'buy', [1]),
    listPendingGiftCardOrders(connection, [1]),
    listOpenKycSubmissions(connection, [1]),
    readUserAndConversation(connection, 1, 'nobody'),
  ]);
const NOTHING = [[], [], [], [], [], { user: null, conversation: { state: null, expiredFlows: null } }];

describe('a column added by the next release', () => {
  it('leaves the prepared statements of an instance still running this one working', async () => {
    expect(await preparedReads(pool)).toEqual(NOTHING);
    for (const table of ['cash_deposits', 'cash_withdrawals', 'crypto_transactions', 'gift_card_orders', 'gift_cards', 'kyc_submissions', 'users']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN added_by_next_release INTEGER`);
    }
    // With `SELECT *` PostgreSQL refuses: "cached plan must not change result type".
    expect(await preparedReads(pool)).toEqual(NOTHING);
  });
});

/** Where a `*` is harmless: over the statement's own parameters (unnest) or over a subquery that names its columns. */
const HARMLESS_STAR = /SELECT \* FROM (\$\{sql\.unnest\(|unnest\(|\()/;

describe('statements in src/db', () => {
  it('name the columns they read, so an added column changes nothing for them', async () => {
    const root = path.resolve(import.meta.dirname, '../../src/db');
    const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const stars: string[] = [];
    for (const file of files) {
      const lines = (await readFile(path.join(root, file), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        const code = line.replace(/^\s*(\/\/|\*|\/\*\*).*$/, '');
        if (/(SELECT|RETURNING)\s+\*|\b\w+\.\*/.test(code) && !HARMLESS_STAR.test(code)) stars.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(stars).toEqual(['settings.ts:25: SELECT * FROM settings ORDER BY id LIMIT 1 ${options.forUpdate ? sql.fragment`FOR UPDATE` : sql.fragment``}']);
  });
});

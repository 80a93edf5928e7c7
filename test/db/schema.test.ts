import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * database-schema.md, transcribed: every column as [name, type, nullable, default]. Types are PostgreSQL's
 * format_type names; TIMESTAMP columns are timestamptz (DESIGN §5); 'identity' marks the auto-incrementing ids.
 */
type Column = [name: string, type: string, nullable: boolean, default_: string | null];
interface TableSpec {
  columns: Column[];
  indexes?: Record<string, string>;
  foreignKeys?: Record<string, [references: string, onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'NO ACTION']>;
  unique?: string[][];
}

const id: Column = ['id', 'bigint', false, 'identity'];
const ts = (name: string, nullable = false): Column => [name, 'timestamp with time zone', nullable, null];

const SCHEMA: Record<string, TableSpec> = {
  users: {
    columns: [
      id,
      ['username', 'character varying(150)', false, null],
      ['email', 'character varying(254)', false, null],
      ['phone', 'character varying(20)', true, null],
      ['password', 'character varying(128)', false, null],
      ['password_hash', 'character varying(255)', true, null],
      ['role', 'character varying(10)', false, 'user'],
      ['kyc_status', 'character varying(10)', false, 'pending'],
      ['first_name', 'character varying(150)', true, null],
      ['last_name', 'character varying(150)', true, null],
      ['is_active', 'boolean', false, 'true'],
      ['is_staff', 'boolean', false, 'false'],
      ['is_superuser', 'boolean', false, 'false'],
      ts('date_joined'),
      ts('created_at'),
      ts('updated_at'),
    ],
    indexes: { users_email_idx: '(email)', users_username_idx: '(username)' },
    unique: [['username'], ['email']],
  },
  wallets: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['balance_cedis', 'numeric(20,2)', false, '0'],
      ['balance_crypto', 'numeric(20,8)', false, '0'],
      ['escrow_balance', 'numeric(20,2)', false, '0'],
      ts('updated_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'] },
    indexes: { wallets_user_id_idx: '(user_id)' },
    unique: [['user_id']],
  },
  crypto_transactions: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['type', 'character varying(10)', false, null],
      ['cedis_amount', 'numeric(20,2)', false, null],
      ['crypto_amount', 'numeric(20,8)', false, null],
      ['rate', 'numeric(20,2)', false, null],
      ['status', 'character varying(10)', false, 'pending'],
      ['payment_method', 'character varying(10)', false, null],
      ['reference', 'character varying(255)', false, null],
      ts('created_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'] },
    indexes: {
      crypto_transactions_user_id_idx: '(user_id)',
      crypto_transactions_reference_idx: '(reference)',
      crypto_transactions_status_idx: '(status)',
      crypto_transactions_created_at_idx: '(created_at DESC)',
    },
    unique: [['reference']],
  },
  gift_cards: {
    columns: [
      id,
      ['name', 'character varying(255)', false, null],
      ['brand', 'character varying(100)', false, null],
      ['rate_buy', 'numeric(10,2)', false, null],
      ['rate_sell', 'numeric(10,2)', false, null],
      ['image', 'character varying(100)', true, null],
      ['is_active', 'boolean', false, 'true'],
      ts('created_at'),
      ts('updated_at'),
    ],
    indexes: { gift_cards_brand_idx: '(brand)', gift_cards_is_active_idx: '(is_active)' },
  },
  gift_card_orders: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['card_id', 'bigint', false, null],
      ['amount', 'numeric(20,2)', false, null],
      ['status', 'character varying(20)', false, 'pending'],
      ['proof_image', 'character varying(100)', false, null],
      ts('created_at'),
      ts('updated_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'], card_id: ['gift_cards.id', 'RESTRICT'] },
    indexes: {
      gift_card_orders_user_id_idx: '(user_id)',
      gift_card_orders_card_id_idx: '(card_id)',
      gift_card_orders_status_idx: '(status)',
      gift_card_orders_created_at_idx: '(created_at DESC)',
    },
  },
  orders: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['order_type', 'character varying(10)', false, null],
      ['currency_pair', 'character varying(20)', false, null],
      ['amount', 'numeric(20,8)', false, null],
      ['price', 'numeric(20,8)', false, null],
      ['total', 'numeric(20,8)', false, null],
      ['status', 'character varying(20)', false, 'PENDING'],
      ts('created_at'),
      ts('updated_at'),
      ts('completed_at', true),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'] },
    indexes: {
      orders_user_id_idx: '(user_id)',
      orders_status_idx: '(status)',
      orders_created_at_idx: '(created_at DESC)',
      orders_user_id_status_idx: '(user_id, status)',
    },
  },
  trades: {
    columns: [
      id,
      ['order_id', 'bigint', false, null],
      ['buyer_id', 'bigint', false, null],
      ['seller_id', 'bigint', false, null],
      ['amount', 'numeric(20,8)', false, null],
      ['price', 'numeric(20,8)', false, null],
      ['total', 'numeric(20,8)', false, null],
      ts('created_at'),
    ],
    foreignKeys: {
      order_id: ['orders.id', 'CASCADE'],
      buyer_id: ['users.id', 'CASCADE'],
      seller_id: ['users.id', 'CASCADE'],
    },
    indexes: {
      trades_order_id_idx: '(order_id)',
      trades_buyer_id_idx: '(buyer_id)',
      trades_seller_id_idx: '(seller_id)',
      trades_created_at_idx: '(created_at DESC)',
    },
  },
  tutorials: {
    columns: [
      id,
      ['title', 'character varying(255)', false, null],
      ['content', 'text', false, null],
      ['category', 'character varying(50)', false, null],
      ['video_url', 'character varying(200)', true, null],
      ['slug', 'character varying(50)', false, null],
      ['excerpt', 'text', true, null],
      ['thumbnail', 'character varying(100)', true, null],
      ['order', 'integer', false, '0'],
      ['is_published', 'boolean', false, 'false'],
      ['author_id', 'bigint', true, null],
      ['views', 'integer', false, '0'],
      ts('created_at'),
      ts('updated_at'),
    ],
    foreignKeys: { author_id: ['users.id', 'SET NULL'] },
    indexes: {
      tutorials_slug_idx: '(slug)',
      tutorials_category_idx: '(category)',
      tutorials_is_published_idx: '(is_published)',
      tutorials_order_idx: '("order")',
    },
    unique: [['slug']],
  },
  tutorial_progress: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['tutorial_id', 'bigint', false, null],
      ['is_completed', 'boolean', false, 'false'],
      ts('completed_at', true),
      ts('created_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'], tutorial_id: ['tutorials.id', 'CASCADE'] },
    unique: [['user_id', 'tutorial_id']],
  },
  notifications: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['message', 'text', false, null],
      ['read', 'boolean', false, 'false'],
      ['notification_type', 'character varying(50)', true, null],
      ['title', 'character varying(255)', true, null],
      ts('created_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'] },
    indexes: {
      notifications_user_id_idx: '(user_id)',
      notifications_read_idx: '(read)',
      notifications_created_at_idx: '(created_at DESC)',
      notifications_user_id_read_idx: '(user_id, read)',
    },
  },
  settings: {
    columns: [
      id,
      ['live_rate_source', 'character varying(255)', false, 'coinmarketcap'],
      ['escrow_percent', 'numeric(5,2)', false, '2.0'],
      ['support_contacts', 'jsonb', false, '{}'],
      ts('updated_at'),
    ],
  },
  analytics_events: {
    columns: [
      id,
      ['user_id', 'bigint', true, null],
      ['event_type', 'character varying(50)', false, null],
      ['event_name', 'character varying(255)', false, null],
      ['properties', 'jsonb', false, '{}'],
      ['session_id', 'character varying(255)', true, null],
      ['ip_address', 'inet', true, null],
      ['user_agent', 'text', true, null],
      ts('created_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'SET NULL'] },
    indexes: {
      analytics_events_event_type_created_at_idx: '(event_type, created_at)',
      analytics_events_user_id_created_at_idx: '(user_id, created_at)',
    },
  },
  user_metrics: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['total_trades', 'integer', false, '0'],
      ['total_volume', 'numeric(20,8)', false, '0'],
      ['total_profit', 'numeric(20,8)', false, '0'],
      ts('last_trade_at', true),
      ts('updated_at'),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'] },
    unique: [['user_id']],
  },
  kyc_verifications: {
    columns: [
      id,
      ['user_id', 'bigint', false, null],
      ['status', 'character varying(20)', false, 'PENDING'],
      ['document_type', 'character varying(20)', false, null],
      ['document_number', 'character varying(100)', false, null],
      ['first_name', 'character varying(100)', false, null],
      ['last_name', 'character varying(100)', false, null],
      ['date_of_birth', 'date', false, null],
      ['address', 'text', false, null],
      ['document_front', 'character varying(100)', false, null],
      ['document_back', 'character varying(100)', true, null],
      ['selfie', 'character varying(100)', false, null],
      ['rejection_reason', 'text', true, null],
      ['reviewed_by_id', 'bigint', true, null],
      ts('submitted_at'),
      ts('reviewed_at', true),
    ],
    foreignKeys: { user_id: ['users.id', 'CASCADE'], reviewed_by_id: ['users.id', 'SET NULL'] },
    indexes: { kyc_verifications_user_id_idx: '(user_id)', kyc_verifications_status_idx: '(status)' },
    unique: [['user_id']],
  },
};

/** Foreign keys that schema additions (README, Schema) add to the documented tables; any other extra key fails. */
const ADDED_FOREIGN_KEYS: Record<string, TableSpec['foreignKeys']> = {
  trades: { resting_order_id: ['orders.id', 'CASCADE'] },
  kyc_verifications: { submission_id: ['kyc_submissions.id', 'NO ACTION'] },
  notifications: { broadcast_id: ['broadcasts.id', 'SET NULL'] },
};

const ON_DELETE: Record<string, string> = { c: 'CASCADE', n: 'SET NULL', r: 'RESTRICT', a: 'NO ACTION', d: 'SET DEFAULT' };

/** `'user'::character varying` → `user`, `'{}'::jsonb` → `{}`, `2.0` → `2.0`. */
function normaliseDefault(expression: string | null): string | null {
  if (expression === null) return null;
  return expression.replace(/::[\w\s]+$/, '').replace(/^'(.*)'$/, '$1');
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('the migrated schema matches database-schema.md', () => {
  it('has all 14 tables', async () => {
    const rows = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(Object.keys(SCHEMA)));
    expect(Object.keys(SCHEMA)).toHaveLength(14);
  });

  for (const [table, spec] of Object.entries(SCHEMA)) {
    describe(table, () => {
      it('has every column with its type, nullability and default, and the id as primary key', async () => {
        const columns = await db.query<{ name: string; type: string; not_null: boolean; identity: string; default: string | null }>(
          `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                  a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS default
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
          [table],
        );
        const actual = new Map(columns.map((column) => [column.name, column]));
        for (const [name, type, nullable, expectedDefault] of spec.columns) {
          const column = actual.get(name);
          expect(column, `${table}.${name} exists`).toBeDefined();
          expect({ name, type: column?.type, nullable: !column?.not_null }).toEqual({ name, type, nullable });
          const actualDefault = column?.identity === 'd' || column?.identity === 'a' ? 'identity' : normaliseDefault(column?.default ?? null);
          expect(actualDefault, `${table}.${name} default`).toBe(expectedDefault);
        }
        const primaryKey = await db.query<{ column: string }>(
          `SELECT a.attname AS column FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.conrelid = $1::regclass AND c.contype = 'p'`,
          [table],
        );
        expect(primaryKey.map((row) => row.column)).toEqual(['id']);
      });

      it('has its named indexes on the documented columns', async () => {
        const indexes = await db.query<{ indexname: string; indexdef: string }>(
          "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1",
          [table],
        );
        const definitions = new Map(indexes.map((index) => [index.indexname, index.indexdef]));
        for (const [name, columns] of Object.entries(spec.indexes ?? {})) {
          expect(definitions.get(name), `index ${name}`).toBe(`CREATE INDEX ${name} ON public.${table} USING btree ${columns}`);
        }
      });

      it('has its foreign keys with their ON DELETE rules', async () => {
        const keys = await db.query<{ column: string; references: string; on_delete: string }>(
          `SELECT a.attname AS column, rt.relname || '.' || ra.attname AS references, c.confdeltype AS on_delete
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             JOIN pg_class rt ON rt.oid = c.confrelid
             JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
            WHERE c.conrelid = $1::regclass AND c.contype = 'f'`,
          [table],
        );
        const actual = Object.fromEntries(keys.map((key) => [key.column, [key.references, ON_DELETE[key.on_delete]]]));
        expect(actual).toEqual({ ...spec.foreignKeys, ...ADDED_FOREIGN_KEYS[table] });
      });

      it('has its unique constraints', async () => {
        const uniques = await db.query<{ columns: string[] }>(
          `SELECT array_agg(a.attname ORDER BY array_position(c.conkey, a.attnum))::text[] AS columns
             FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.conrelid = $1::regclass AND c.contype = 'u'
            GROUP BY c.oid`,
          [table],
        );
        expect(uniques.map((unique) => unique.columns)).toEqual(expect.arrayContaining(spec.unique ?? []));
      });
    });
  }
});

describe('schema additions', () => {
  it('identifies users by Telegram id and keeps e-mails unique ignoring case', async () => {
    await db.query(
      `INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
       VALUES (1, 'a', 'Ama@Example.com', 'x', now(), now(), now())`,
    );
    await expect(
      db.query(
        `INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
         VALUES (2, 'b', 'ama@example.COM', 'x', now(), now(), now())`,
      ),
    ).rejects.toThrow(/users_email_lower_key/);
    await expect(
      db.query(
        `INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
         VALUES (1, 'c', 'c@example.com', 'x', now(), now(), now())`,
      ),
    ).rejects.toThrow(/users_telegram_id_key/);
  });

  it('refuses a negative balance at the database level', async () => {
    const [user] = await db.query<{ id: string }>(
      `INSERT INTO users (telegram_id, username, email, password, date_joined, created_at, updated_at)
       VALUES (3, 'd', 'd@example.com', 'x', now(), now(), now()) RETURNING id`,
    );
    await db.query('INSERT INTO wallets (user_id, updated_at) VALUES ($1, now())', [user?.id]);
    await expect(db.query('UPDATE wallets SET balance_cedis = -0.01 WHERE user_id = $1', [user?.id])).rejects.toThrow(/check constraint/);
  });
});

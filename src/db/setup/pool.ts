import {
  createPool,
  SchemaValidationError,
  type DatabasePool,
  type DatabaseTransactionConnection,
  type Interceptor,
  type QueryResultRow,
} from 'slonik';

export type { DatabasePool };

/**
 * Rows are validated by the zod schema given to `sql.type(...)`, so a query's type is checked at run time too. In
 * step (the schemas are synchronous): slonik runs an async row transform through a queue per query that yields
 * every 100 rows, which cost more than the query itself for a few hundred rows (the admins' pending queue).
 */
const resultParser: Interceptor = {
  name: 'result-parser',
  transformRow: (context, query, row) => {
    const schema = context.resultParser;
    if (!schema) return row;
    const result = schema['~standard'].validate(row);
    if (result instanceof Promise) throw new TypeError('A row schema must be synchronous (no async refinements or transforms).');
    if (result.issues) throw new SchemaValidationError(query, row, result.issues);
    return result.value as QueryResultRow;
  },
};

function parseSafeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} is outside the safe integer range`);
  return parsed;
}

/**
 * numeric stays a string (money goes through big.js, never a float); int8 becomes a number (ids and counts,
 * refused when unsafe); timestamptz becomes a Date; date stays 'YYYY-MM-DD' so no time zone shifts it.
 */
const typeParsers = [
  { name: 'numeric', parse: (value: string) => value },
  { name: 'int8', parse: parseSafeInteger },
  { name: 'date', parse: (value: string) => value },
  { name: 'timestamptz', parse: (value: string) => new Date(Date.parse(value)) },
];

export interface PoolOptions {
  maxPoolSize?: number;
  /** Run after the product's own (e.g. one that records each statement for EXPLAIN). */
  interceptors?: readonly Interceptor[];
}

/**
 * Thrown by a transaction's own code to roll it back with a known outcome (a refusal such as "insufficient
 * funds", not a failure). Its connection goes back to the pool, where slonik would destroy it: slonik discards
 * the connection of any callback that throws, by design (gajus/slonik#721), and the next caller then waits for a
 * new one (35–50 ms here). A refusal is thrown by the product's code between its statements, so nothing is in
 * flight and the ROLLBACK has run (had the ROLLBACK failed, its error would be thrown instead, and the connection
 * discarded). Any other error still discards the connection: it may come from the connection itself.
 */
export class TransactionRefusal extends Error {}

/** The pool, whose transactions give their connection back after a refusal instead of destroying it. */
function keepingConnectionsOfRefusals(pool: DatabasePool): DatabasePool {
  const transaction = async <T>(handler: (tx: DatabaseTransactionConnection) => Promise<T>, transactionRetryLimit?: number): Promise<T> => {
    const settled = await pool.connect(async (connection): Promise<{ value: T } | { refusal: TransactionRefusal }> => {
      try {
        return { value: await connection.transaction(handler, transactionRetryLimit) };
      } catch (error) {
        // Returned, not thrown, so the connection is released; thrown again below.
        if (error instanceof TransactionRefusal) return { refusal: error };
        throw error;
      }
    });
    if ('refusal' in settled) throw settled.refusal;
    return settled.value;
  };
  return new Proxy(pool, { get: (target, key, receiver) => (key === 'transaction' ? transaction : (Reflect.get(target, key, receiver) as unknown)) });
}

export async function createDatabasePool(connectionUri: string, options: PoolOptions = {}): Promise<DatabasePool> {
  const pool = await createPool(connectionUri, {
    typeParsers,
    interceptors: [resultParser, ...(options.interceptors ?? [])],
    maxPoolSize: options.maxPoolSize ?? 10,
    captureStackTrace: false,
    // Slonik runs DISCARD ALL each time a connection goes back to the pool, doubling the round trips. No query
    // leaves session state behind (advisory locks are transaction-scoped, except a running job's and the update
    // locks, each released before its connection is returned; nothing SETs or LISTENs), so connections are returned as they are.
    resetConnection: async () => {},
    // Kept open between bursts rather than closed after 5 idle seconds and opened again.
    idleTimeout: 60_000,
  });
  return keepingConnectionsOfRefusals(pool);
}

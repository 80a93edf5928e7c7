import {
  createPool,
  SchemaValidationError,
  type DatabasePool,
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

export async function createDatabasePool(connectionUri: string, options: PoolOptions = {}): Promise<DatabasePool> {
  return createPool(connectionUri, {
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
}

// What a call sends to PostgreSQL, and how PostgreSQL runs it: statements recorded by a slonik interceptor on the
// bench pool, then EXPLAIN (FORMAT JSON) of each with its own values, on a plain pg connection.
import pg from 'pg';
import type { Interceptor } from 'slonik';

export interface Statement {
  sql: string;
  values: readonly unknown[];
}

export interface StatementRecorder {
  /** Give to startBenchDatabase({ interceptors }). */
  interceptor: Interceptor;
  /** The statements `work` runs (alone on the pool: anything else running meanwhile is recorded too). */
  record(work: () => Promise<unknown>): Promise<Statement[]>;
}

export function statementRecorder(): StatementRecorder {
  let recording: Statement[] | null = null;
  return {
    interceptor: {
      name: 'bench-statement-recorder',
      beforeQueryExecution: (_context, query) => {
        recording?.push({ sql: query.sql, values: query.values });
        return null;
      },
    },
    async record(work) {
      const statements: Statement[] = [];
      recording = statements;
      try {
        await work();
      } finally {
        recording = null;
      }
      return statements;
    },
  };
}

/** Which relations a plan reads whole (Seq Scan) and which indexes it uses. */
export interface PlanSummary {
  seqScans: Set<string>;
  indexes: Set<string>;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function collect(node: PlanNode, into: PlanSummary): void {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) into.seqScans.add(node['Relation Name']);
  if (node['Index Name']) into.indexes.add(node['Index Name']);
  for (const child of node.Plans ?? []) collect(child, into);
}

/** EXPLAIN of every statement (planned with its values, as the product's unnamed statements are), merged. */
export async function explainAll(databaseUrl: string, statements: readonly Statement[]): Promise<PlanSummary> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const summary: PlanSummary = { seqScans: new Set(), indexes: new Set() };
    for (const statement of statements) {
      const result = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${statement.sql}`, [...statement.values]);
      for (const row of result.rows) for (const plan of row['QUERY PLAN']) collect(plan.Plan, summary);
    }
    return summary;
  } finally {
    await client.end();
  }
}

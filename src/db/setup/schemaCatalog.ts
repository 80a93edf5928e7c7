import { createHash } from 'node:crypto';
import pg from 'pg';

/** What a backup needs to know about the application's tables (schema public). */
export interface CatalogTable {
  name: string;
  /** Stored columns in their order (generated columns are computed again on restore). */
  columns: string[];
}

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export const quoted = (identifier: string): string => pg.escapeIdentifier(identifier);

/**
 * The tables of schema public with their stored columns, parents before the tables that reference them, so
 * rows can be loaded in this order with every foreign key checked. Self-references are fine (checked at the
 * end of each COPY); a cycle between tables cannot be ordered and is reported.
 */
export async function tablesInLoadOrder(client: pg.ClientBase): Promise<CatalogTable[]> {
  const { rows: tables } = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
           array_agg(a.attname::text ORDER BY a.attnum) AS columns
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     GROUP BY c.relname
     ORDER BY c.relname`);
  const { rows: references } = await client.query<{ child: string; parent: string }>(`
    SELECT DISTINCT child.relname AS child, parent.relname AS parent
      FROM pg_constraint f
      JOIN pg_class child ON child.oid = f.conrelid
      JOIN pg_class parent ON parent.oid = f.confrelid
      JOIN pg_namespace n ON n.oid = child.relnamespace
     WHERE f.contype = 'f' AND n.nspname = 'public' AND child.oid <> parent.oid`);
  const parentsOf = new Map(tables.map((table) => [table.name, new Set<string>()]));
  for (const { child, parent } of references) parentsOf.get(child)?.add(parent);
  const ordered: CatalogTable[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !placed.has(table.name) && [...(parentsOf.get(table.name) ?? [])].every((parent) => placed.has(parent)));
    if (ready.length === 0) {
      const stuck = tables.filter((table) => !placed.has(table.name)).map((table) => table.name);
      throw new Error(`These tables reference each other in a cycle, so their rows cannot be loaded in order: ${stuck.join(', ')}`);
    }
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
  }
  return ordered;
}

export interface SequenceState {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Every sequence of schema public with where it stands (ids continue from there after a restore). */
export async function sequenceStates(client: pg.ClientBase): Promise<SequenceState[]> {
  const { rows } = await client.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`);
  const states: SequenceState[] = [];
  for (const { name } of rows) {
    const { rows: [state] } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM public.${quoted(name)}`);
    if (state) states.push({ name, lastValue: state.last_value, isCalled: state.is_called });
  }
  return states;
}

/**
 * A fingerprint of schema public: every column (type, nullability, default), constraint, index and sequence.
 * A restored database must have the same one as the database it was backed up from.
 */
export async function schemaSignature(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ line: string }>(`
    SELECT format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END, coalesce(pg_get_expr(d.adbin, d.adrelid), '')) AS line
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    UNION ALL
    SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public'
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid))
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public'
    UNION ALL
    SELECT format('relation %s %s', c.relname, c.relkind)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')`);
  const lines = rows.map((row) => row.line).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** How many tables, sequences, views and the like the database holds outside PostgreSQL's own schemas. */
export async function userRelationCount(client: pg.ClientBase): Promise<number> {
  const { rows: [row] } = await client.query<{ count: number }>(`
    SELECT count(*)::int AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMAS}`);
  return row?.count ?? 0;
}

/** Sessions connected to the current database other than this one (a running bot, say). */
export async function otherSessionCount(client: pg.ClientBase): Promise<number> {
  const { rows: [row] } = await client.query<{ count: number }>(`
    SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  return row?.count ?? 0;
}

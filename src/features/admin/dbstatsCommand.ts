import type { BotContext } from '../../context.ts';
import type { DatabaseStatsService } from '../../services/admin/databaseStats.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, joinHtml } from '../../telegram/html.ts';

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'];
const count = new Intl.NumberFormat('en-GB');

/** 8192 → "8 kB", 1572864 → "1.5 MB" (powers of 1024, as PostgreSQL's pg_size_pretty). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit] ?? ''}`;
}

/** /dbstats: the database's size, and each table's rows and size, largest first. */
export async function showDatabaseStats(ctx: BotContext, stats: DatabaseStatsService): Promise<void> {
  const current = await stats.current();
  const rows = current.tables.map((table) => html`<b>${table.table}</b>: ${count.format(table.rows)} ${table.rows === 1 ? 'row' : 'rows'}, ${formatBytes(table.bytes)}`);
  await ctx.reply(
    html`🗄 <b>Database</b> at ${formatWhen(new Date())}: ${formatBytes(current.databaseBytes)} in all, ${String(current.tables.length)} tables (rows counted exactly, sizes with indexes).\n\n${joinHtml(rows)}\n\nBack it up with <code>npm run db:backup</code> on the server (see Deploying in the README).`.value,
  );
}

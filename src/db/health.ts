import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const okRow = z.object({ ok: z.number() });

/**
 * Whether the database answers `SELECT 1` within `timeoutMs` through the bot's own pool: what /healthz reports.
 * A probe that times out is left to fail on its own (the pool's connection timeout ends it).
 */
export async function databaseIsReachable(pool: DatabasePool, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const probe = pool.oneFirst(sql.type(okRow)`SELECT 1 AS ok`).then(
    (ok) => ok === 1,
    () => false,
  );
  try {
    return await Promise.race([probe, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

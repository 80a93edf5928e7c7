import { sql, type DatabasePoolConnection } from 'slonik';

/** The advisory lock class of update sequencing (the market's book locks use class 20). */
const UPDATE_LOCK_CLASS = 21;
/** How long an update waits for the one before it, on another instance, before it fails (and is apologised for). */
const LOCK_WAIT = '60s';

/**
 * Takes session-level advisory locks on `keys`, in ascending order (so two instances never wait on each other
 * in a cycle), waiting while another session holds one.
 */
export async function lockUpdateKeys(connection: DatabasePoolConnection, keys: readonly number[]): Promise<void> {
  await connection.query(sql.unsafe`SELECT set_config('lock_timeout', ${LOCK_WAIT}, false)`);
  for (const key of [...new Set(keys)].sort((a, b) => a - b)) {
    await connection.query(sql.unsafe`SELECT pg_advisory_lock(${UPDATE_LOCK_CLASS}, ${key})`);
  }
}

/** Releases every advisory lock this connection holds (it holds only update locks). */
export async function unlockUpdateKeys(connection: DatabasePoolConnection): Promise<void> {
  await connection.query(sql.unsafe`SELECT pg_advisory_unlock_all()`);
}

import { createHash } from 'node:crypto';
import type { DatabasePool } from 'slonik';
import { lockUpdateKeys, unlockUpdateKeys } from '../../db/updateLocks.ts';

export interface UpdateSequencer {
  /** Runs `work` once no other instance is handling an update with any of `keys`, holding them meanwhile. */
  run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T>;
}

/** A key as the int4 of an advisory lock; two keys that share one merely wait for each other. */
function lockKey(key: string): number {
  return createHash('sha256').update(key).digest().readInt32BE(0);
}

/**
 * Several instances behind one webhook URL: runner's sequentialize orders a chat's updates within one process,
 * and this orders them across processes, with advisory locks held on a connection of `pool` (a pool of its own,
 * so a waiting update never takes a connection the updates being handled need). The locks are released before
 * the connection goes back to the pool (which does not reset connections); a crashed instance's go with its
 * connections.
 */
export function createUpdateSequencer(pool: DatabasePool): UpdateSequencer {
  return {
    run: (keys, work) =>
      pool.connect(async (connection) => {
        try {
          // Inside the try: a lock wait that times out may leave the keys taken before it held.
          await lockUpdateKeys(connection, keys.map(lockKey));
          return await work();
        } finally {
          await unlockUpdateKeys(connection);
        }
      }),
  };
}

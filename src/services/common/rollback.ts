import { TransactionRefusal } from '../../db/setup/pool.ts';

/** Thrown inside a transaction to roll it back with a known outcome (not a failure); its connection is kept. */
export class Rollback<T> extends TransactionRefusal {
  readonly outcome: T;
  constructor(outcome: T) {
    super('rollback');
    this.outcome = outcome;
  }
}

/** Runs `work`, turning a Rollback thrown inside it into its outcome. */
export async function withRollback<T, R>(work: () => Promise<R>): Promise<R | T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Rollback) return error.outcome as T;
    throw error;
  }
}

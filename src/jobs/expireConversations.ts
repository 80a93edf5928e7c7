import type { Job } from './job.ts';

/** Every minute: conversations idle for 30 minutes are closed, and what users typed in them deleted. */
export function expireConversationsJob(deps: { store: { expireIdle(now: Date): Promise<number> }; clock: () => Date }): Job {
  return {
    name: 'expire-conversations',
    schedule: '30 * * * * *',
    slotMinutes: 1,
    run: async () => ({ expired: await deps.store.expireIdle(deps.clock()) }),
  };
}

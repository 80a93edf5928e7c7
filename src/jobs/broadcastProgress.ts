import type { Logger } from '../logger.ts';
import type { BroadcastRow, BroadcastService } from '../services/notifications/broadcasts.ts';
import type { NotificationDelivery } from '../services/notifications/delivery.ts';
import type { Job } from './job.ts';

/**
 * Every 5 seconds, on every instance (the edits themselves are claimed in the database, one every few seconds):
 * writes the recipients a crash left unwritten, then updates each unfinished broadcast's status in the admin chat.
 */
export function broadcastProgressJob(deps: {
  broadcasts: BroadcastService;
  delivery: NotificationDelivery;
  report(broadcast: BroadcastRow): Promise<void>;
  logger: Logger;
}): Job {
  return {
    name: 'broadcast-progress',
    schedule: '*/5 * * * * *',
    quietWhenIdle: true,
    run: async () => {
      const interrupted = (await deps.broadcasts.unfinished()).filter((broadcast) => broadcast.queued_at === null);
      for (const broadcast of interrupted) await deps.broadcasts.queueRemaining(broadcast.id);
      // Not awaited: the status goes on being updated while they are sent.
      if (interrupted.length > 0) void deps.delivery.deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'notification delivery failed'));
      const unfinished = await deps.broadcasts.unfinished();
      for (const broadcast of unfinished) await deps.report(broadcast);
      return { resumed: interrupted.length, reported: unfinished.length };
    },
  };
}

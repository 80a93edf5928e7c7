import type { CardPublisher } from '../telegram/cards.ts';
import type { Job } from './job.ts';

/**
 * Delivers the admin chat's card queue every 5 seconds and at start: retries, and what a crash or a kick that found
 * the queue busy left behind. Each commit that queues a card also kicks a delivery, so cards rarely wait for this.
 * Every instance runs it: the queue hands out one card at a time across them. Idle runs log at debug only.
 */
export function deliverCardsJob(cards: Pick<CardPublisher, 'deliverDue'>): Job {
  return {
    name: 'deliver-cards',
    schedule: '*/5 * * * * *',
    runAtStart: true,
    quietWhenIdle: true,
    run: async () => ({ delivered: await cards.deliverDue() }),
  };
}

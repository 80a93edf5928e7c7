import type { PaymentService } from '../services/wallet/payments.ts';
import type { CardPublisher } from '../telegram/cards.ts';
import type { Job, JobOutcome } from './job.ts';

export interface UnpaidRequestsJobDeps {
  payments: Pick<PaymentService, 'expireUnreported' | 'flagOverdueBuys'>;
  cards: Pick<CardPublisher, 'kick'>;
}

/**
 * Buys and deposits nobody reported paying within 24 hours are closed (the user told with the reference, by the
 * outbox); a buy reported paid that no admin confirmed within 24 hours is never declined by itself: its card is
 * posted again, flagged, for the admins to check the payment.
 */
export async function expireUnpaidRequests(deps: UnpaidRequestsJobDeps, now: Date): Promise<JobOutcome> {
  const expired = await deps.payments.expireUnreported(now);
  const flagged = await deps.payments.flagOverdueBuys(now);
  if (flagged > 0) deps.cards.kick();
  return { expired, flagged };
}

/** Every 10 minutes, once per 10 minutes across instances. */
export function expireUnpaidBuysJob(deps: UnpaidRequestsJobDeps): Job {
  return { name: 'expire-unpaid-buys', schedule: '0 5-59/10 * * * *', slotMinutes: 10, run: (now) => expireUnpaidRequests(deps, now) };
}

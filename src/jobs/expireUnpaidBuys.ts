import { publishDecision, type DecisionDeps } from '../features/approvals/decisions.ts';
import { UNPAID_BUY_EXPIRY, unpaidBuysDue } from '../services/trading/unpaidBuys.ts';
import type { Job, JobOutcome } from './job.ts';

/**
 * Declines the buys left unconfirmed for 24 hours, through the approvals mechanism like an admin's decline
 * (one guarded update, audited, the user notified and the card's edit queued in the same transaction); then sends
 * the edits and notices on their way. A buy an admin decides meanwhile stays as the admin decided it.
 */
export async function expireUnpaidBuys(deps: DecisionDeps, now: Date): Promise<JobOutcome> {
  let expired = 0;
  for (const buy of unpaidBuysDue(await deps.approvals.listWaiting(), now)) {
    const result = await deps.approvals.declineAutomatically({ kind: buy.kind, id: buy.id, ...UNPAID_BUY_EXPIRY });
    if (result.outcome !== 'applied') continue;
    expired += 1;
    publishDecision(deps, result);
  }
  return { expired };
}

/** Every 10 minutes, once per 10 minutes across instances. */
export function expireUnpaidBuysJob(deps: DecisionDeps): Job {
  return { name: 'expire-unpaid-buys', schedule: '0 5-59/10 * * * *', slotMinutes: 10, run: (now) => expireUnpaidBuys(deps, now) };
}

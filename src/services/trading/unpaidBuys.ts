import type { WaitingRequest } from '../approvals/approvalKind.ts';

/** A buy whose payment no admin has confirmed this long after the user said they paid is closed. */
export const UNPAID_BUY_EXPIRES_AFTER_MS = 24 * 60 * 60_000;

/** How an expired buy is declined: the reason the user and the card show, and who the card names as deciding. */
export const UNPAID_BUY_EXPIRY = { reason: 'No payment was confirmed within 24 hours, so it expired', by: 'Automatic expiry' } as const;

/** The waiting buys that are due to expire at `now`, oldest first. */
export function unpaidBuysDue(pending: readonly WaitingRequest[], now: Date): WaitingRequest[] {
  return pending.filter((request) => request.kind === 'buy' && now.getTime() - request.submittedAt.getTime() >= UNPAID_BUY_EXPIRES_AFTER_MS);
}

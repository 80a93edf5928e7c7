import type { CommonQueryMethods, FragmentSqlToken } from 'slonik';
import { cardPostInsert, cardRefreshInsert, insertCardDelivery } from '../../db/cardDeliveries.ts';

/**
 * A refresh waits this long before it goes, so the decisions and late taps of that moment make one edit (and
 * admins, already told what happened by their tap's answer, see the card settle once).
 */
export const REFRESH_SETTLE_SECONDS = 2;

/**
 * Queues the card of a new request for the admin chat: call it inside the transaction that creates the request,
 * so the card is owed exactly when the request exists; the card deliverer posts it after the commit.
 */
export async function queueCardPost(tx: CommonQueryMethods, kind: string, requestId: number): Promise<void> {
  await insertCardDelivery(tx, cardPostInsert(kind, requestId, 'post'));
}

/** The write that queues a refresh of a card: beside a decision's audit row in one statement, or on its own (insertCardDelivery). */
export function cardRefreshWrite(kind: string, requestId: number): FragmentSqlToken {
  return cardRefreshInsert(kind, requestId, REFRESH_SETTLE_SECONDS);
}

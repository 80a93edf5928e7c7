import type { CommonQueryMethods } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { deleteSignoffs } from '../../db/approvalSignoffs.ts';
import { reopenPaidWithdrawal, type WithdrawalRow } from '../../db/cashWithdrawals.ts';
import type { AdminActor } from '../accounts/admins.ts';
import { cardRefreshWrite } from '../approvals/cardQueue.ts';
import { notifyUser } from '../notifications/outbox.ts';
import { moveFunds } from './ledger.ts';
import { walletNotices } from './notices.ts';

/**
 * A paid withdrawal whose payout came back (a transfer the provider reversed): pending and claimable again, its cedis
 * reserved again by a ledger row ('withdrawal_returned', undoing 'withdrawal_paid'), its approvals to be given again,
 * audited, the user told, its card
 * refreshed. Null when it is not paid (already reopened).
 */
export async function reopenReturnedWithdrawal(
  tx: CommonQueryMethods,
  id: number,
  returned: { by: AdminActor; reason: string; details: Record<string, string> },
): Promise<WithdrawalRow | null> {
  const row = await reopenPaidWithdrawal(tx, id);
  if (!row) return null;
  const reserved = await moveFunds(tx, { userId: row.user_id, changes: { cedis_reserved: row.amount }, reason: 'withdrawal_returned', reference: { kind: 'withdrawal', id } });
  if (!reserved) throw new Error(`withdrawal ${id}: the user's wallet is missing`);
  // Approved again from the start, as a re-opened request: a payout that came back may have gone to a wrong account.
  await deleteSignoffs(tx, 'withdrawal', id);
  const { by, reason, details } = returned;
  await insertAuditEntry(tx, { subjectKind: 'withdrawal', subjectId: id, action: 'returned', admin: by, reason, details }, [cardRefreshWrite('withdrawal', id)]);
  await notifyUser(tx, row.user_id, walletNotices.withdrawalReturned(row, reason));
  return row;
}

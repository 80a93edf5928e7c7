import type { CommonQueryMethods, FragmentSqlToken } from 'slonik';
import { insertNotification, notificationInsert } from '../../db/notifications.ts';

/** A notification's words, from its domain's notices module (services/<domain>/notices.ts). */
export interface Notice {
  type: string;
  title: string;
  message: string;
}

/**
 * The one way to tell a user something happened: call it inside the transaction that makes the change
 * (an outbox row), so the notice exists exactly when the change does; delivery happens after the commit.
 * `delivered` is for a notice the user has already read in the chat (it is kept for their history only);
 * `photo` (a media store path) is sent with the notice as its caption.
 */
export async function notifyUser(
  db: CommonQueryMethods,
  userId: number,
  notice: Notice,
  options: { delivered?: boolean; photo?: string } = {},
): Promise<number> {
  return insertNotification(db, { userId, ...notice, photo: options.photo ?? null }, options.delivered ?? false);
}

/**
 * notifyUser's outbox row as part of another write, for a statement that records it together with its own (a
 * decision's audit row): same transaction, one round trip.
 */
export function notificationAlongside(userId: number, notice: Notice): FragmentSqlToken {
  return notificationInsert({ userId, ...notice, photo: null });
}

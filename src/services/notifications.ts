import type { CommonQueryMethods } from 'slonik';
import { insertNotification, type NewNotification } from '../db/notifications.ts';

/**
 * The one way to tell a user something happened: call it inside the transaction that makes the change
 * (an outbox row), so the notice exists exactly when the change does.
 */
export async function notifyUser(db: CommonQueryMethods, notification: NewNotification): Promise<number> {
  return insertNotification(db, notification);
}

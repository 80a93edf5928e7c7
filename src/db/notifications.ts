import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export interface NewNotification {
  userId: number;
  type: string;
  title: string;
  message: string;
}

export async function insertNotification(db: CommonQueryMethods, notification: NewNotification): Promise<number> {
  return db.oneFirst(sql.type(z.object({ id: z.number() }))`
    INSERT INTO notifications (user_id, notification_type, title, message, created_at)
    VALUES (${notification.userId}, ${notification.type}, ${notification.title}, ${notification.message}, now())
    RETURNING id
  `);
}

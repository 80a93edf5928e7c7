import type { DatabasePool } from 'slonik';
import {
  countNotifications,
  countUnreadNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notificationPage,
  type InboxRow,
} from '../../db/notifications.ts';
import { clampPage } from '../common/paging.ts';

export type { InboxRow };

export const INBOX_PAGE_SIZE = 5;

export interface InboxPage {
  rows: readonly InboxRow[];
  page: number;
  pages: number;
  unread: number;
}

/** The notifications a user can read back: /notifications. */
export interface InboxService {
  /** One indexed count, cheap enough for every main menu. */
  unreadCount(userId: number): Promise<number>;
  /** Unread first, newest first, five a page. */
  page(userId: number, page: number): Promise<InboxPage>;
  /** False when it is not theirs or was read already. */
  markRead(userId: number, id: number): Promise<boolean>;
  markAllRead(userId: number): Promise<number>;
}

export function createInboxService(pool: DatabasePool): InboxService {
  return {
    unreadCount: (userId) => countUnreadNotifications(pool, userId),
    async page(userId, page) {
      const [total, unread] = await Promise.all([countNotifications(pool, userId), countUnreadNotifications(pool, userId)]);
      const shown = clampPage(page, total, INBOX_PAGE_SIZE);
      const rows = await notificationPage(pool, userId, { limit: INBOX_PAGE_SIZE, offset: shown.page * INBOX_PAGE_SIZE });
      return { rows, ...shown, unread };
    },
    markRead: (userId, id) => markNotificationRead(pool, userId, id),
    markAllRead: (userId) => markAllNotificationsRead(pool, userId),
  };
}

import type { DatabasePool } from 'slonik';
import { clampPage } from '../common/paging.ts';
import { countUserHistory, openUserRequests, userHistoryPage, type HistoryRow, type HistorySource } from '../../db/readModels/userHistory.ts';

export { AWAITING_PAYMENT } from '../../db/readModels/userHistory.ts';
export type { HistoryRow, HistorySource };

export const HISTORY_PAGE_SIZE = 5;

export interface HistoryService {
  /** A page of the user's requests of every kind (each module adds its own), newest first. */
  page(userId: number, page: number): Promise<{ rows: readonly HistoryRow[]; page: number; pages: number }>;
  /** The user's requests still waiting for an admin, newest first (at most `limit`): what support sees beside a message. */
  open(userId: number, limit: number): Promise<readonly HistoryRow[]>;
}

export function createHistoryService(deps: { pool: DatabasePool; sources: readonly HistorySource[] }): HistoryService {
  const { pool, sources } = deps;
  return {
    async page(userId, page) {
      const shown = clampPage(page, await countUserHistory(pool, userId, sources), HISTORY_PAGE_SIZE);
      const rows = await userHistoryPage(pool, userId, sources, { limit: HISTORY_PAGE_SIZE, offset: shown.page * HISTORY_PAGE_SIZE });
      return { rows, ...shown };
    },
    open: (userId, limit) => openUserRequests(pool, userId, sources, limit),
  };
}

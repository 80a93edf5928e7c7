import type { DatabasePool } from 'slonik';
import { countUserHistory, userHistoryPage, type HistoryRow, type HistorySource } from '../../db/readModels/userHistory.ts';

export type { HistoryRow, HistorySource };

export const HISTORY_PAGE_SIZE = 5;

export interface HistoryService {
  /** A page of the user's requests of every kind (each module adds its own), newest first. */
  page(userId: number, page: number): Promise<{ rows: readonly HistoryRow[]; page: number; pages: number }>;
}

export function createHistoryService(deps: { pool: DatabasePool; sources: readonly HistorySource[] }): HistoryService {
  const { pool, sources } = deps;
  return {
    async page(userId, page) {
      const pages = Math.max(1, Math.ceil((await countUserHistory(pool, userId, sources)) / HISTORY_PAGE_SIZE));
      // A page from an old or forged button is brought into range.
      const shown = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
      return { rows: await userHistoryPage(pool, userId, sources, { limit: HISTORY_PAGE_SIZE, offset: shown * HISTORY_PAGE_SIZE }), page: shown, pages };
    },
  };
}

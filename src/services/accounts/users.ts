import type { DatabasePool } from 'slonik';
import { findUserByTelegramId, setBotBlocked, type UserRow } from '../../db/users.ts';

/** A registered user, as the rest of the product sees them. */
export type AppUser = UserRow;

export interface UserService {
  findByTelegramId(telegramId: number): Promise<AppUser | null>;
  setBotBlocked(telegramId: number, blocked: boolean): Promise<void>;
}

export function createUserService(pool: DatabasePool): UserService {
  return {
    findByTelegramId: (telegramId) => findUserByTelegramId(pool, telegramId),
    setBotBlocked: (telegramId, blocked) => setBotBlocked(pool, telegramId, blocked),
  };
}

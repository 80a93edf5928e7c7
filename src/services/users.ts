import type { DatabasePool } from 'slonik';
import { findUserByTelegramId, setBotBlocked, type UserRow } from '../db/users.ts';

export interface UserService {
  findByTelegramId(telegramId: number): Promise<UserRow | null>;
  setBotBlocked(telegramId: number, blocked: boolean): Promise<void>;
}

export function createUserService(pool: DatabasePool): UserService {
  return {
    findByTelegramId: (telegramId) => findUserByTelegramId(pool, telegramId),
    setBotBlocked: (telegramId, blocked) => setBotBlocked(pool, telegramId, blocked),
  };
}

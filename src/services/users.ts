import type { DatabasePool } from 'slonik';
import { findUserByTelegramId, type UserRow } from '../db/users.ts';

export interface UserService {
  findByTelegramId(telegramId: number): Promise<UserRow | null>;
}

export function createUserService(pool: DatabasePool): UserService {
  return { findByTelegramId: (telegramId) => findUserByTelegramId(pool, telegramId) };
}

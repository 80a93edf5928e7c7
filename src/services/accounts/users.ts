import type { DatabasePool } from 'slonik';
import { readUserAndConversation, type StoredConversation } from '../../db/conversationStates.ts';
import { findUserByTelegramId, setBotBlocked, type UserRow } from '../../db/users.ts';

/** A registered user, as the rest of the product sees them. */
export type AppUser = UserRow;

export interface UserService {
  findByTelegramId(telegramId: number): Promise<AppUser | null>;
  /** The user and the conversation stored under `conversationKey`, read together (every update needs both). */
  findWithConversation(telegramId: number, conversationKey: string): Promise<{ user: AppUser | null; conversation: StoredConversation }>;
  setBotBlocked(telegramId: number, blocked: boolean): Promise<void>;
}

export function createUserService(pool: DatabasePool): UserService {
  return {
    findByTelegramId: (telegramId) => findUserByTelegramId(pool, telegramId),
    findWithConversation: (telegramId, conversationKey) => readUserAndConversation(pool, telegramId, conversationKey),
    setBotBlocked: (telegramId, blocked) => setBotBlocked(pool, telegramId, blocked),
  };
}

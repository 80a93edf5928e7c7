import { randomBytes } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { emailExists, findUserByTelegramId, insertUser, usernameExists, type UserRow } from '../../db/users.ts';
import { insertUserMetrics } from '../../db/userMetrics.ts';
import { insertWallet } from '../../db/wallets.ts';
import { notifyUser } from '../notifications/outbox.ts';
import { accountNotices } from './notices.ts';
import { hashPin } from './pin.ts';

export interface RegistrationInput {
  telegramId: number;
  telegramUsername: string | undefined;
  languageCode: string | undefined;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  pinHash: string;
}

export type RegistrationResult =
  | { status: 'registered'; user: UserRow }
  | { status: 'email_taken' }
  | { status: 'already_registered'; user: UserRow };

export interface RegistrationService {
  isEmailTaken(email: string): Promise<boolean>;
  hashPin(pin: string): Promise<string>;
  register(input: RegistrationInput): Promise<RegistrationResult>;
}

const USERNAME_MAX_LENGTH = 150;

export function createRegistrationService(deps: { pool: DatabasePool; adminIds: readonly number[] }): RegistrationService {
  const { pool, adminIds } = deps;

  /** The Telegram username when nobody has it yet, otherwise one made from the Telegram id. */
  async function chooseUsername(db: CommonQueryMethods, input: RegistrationInput) {
    const preferred = input.telegramUsername?.slice(0, USERNAME_MAX_LENGTH);
    if (preferred && !(await usernameExists(db, preferred))) return preferred;
    const generated = `user${input.telegramId}`;
    if (!(await usernameExists(db, generated))) return generated;
    return `${generated}_${randomBytes(3).toString('hex')}`;
  }

  return {
    isEmailTaken: (email) => emailExists(pool, email),
    hashPin,

    /** Creates the user, wallet, metrics and welcome notification together, or nothing. */
    async register(input) {
      try {
        return await pool.transaction(async (tx) => {
          const existing = await findUserByTelegramId(tx, input.telegramId);
          if (existing) return { status: 'already_registered', user: existing } as const;
          if (await emailExists(tx, input.email)) return { status: 'email_taken' } as const;
          const user = await insertUser(tx, {
            telegramId: input.telegramId,
            username: await chooseUsername(tx, input),
            email: input.email,
            phone: input.phone,
            pinHash: input.pinHash,
            role: adminIds.includes(input.telegramId) ? 'admin' : 'user',
            firstName: input.firstName,
            lastName: input.lastName,
            languageCode: input.languageCode ?? null,
          });
          await insertWallet(tx, user.id);
          await insertUserMetrics(tx, user.id);
          // The conversation shows the welcome itself; the row keeps it in the user's history.
          await notifyUser(tx, user.id, accountNotices.welcome(), { delivered: true });
          return { status: 'registered', user } as const;
        });
      } catch (error) {
        // Two confirmations racing each other: the loser learns what the winner took.
        if (error instanceof UniqueIntegrityConstraintViolationError) {
          const existing = await findUserByTelegramId(pool, input.telegramId);
          if (existing) return { status: 'already_registered', user: existing };
          if (await emailExists(pool, input.email)) return { status: 'email_taken' };
        }
        throw error;
      }
    },
  };
}

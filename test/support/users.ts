import { hashPin } from '../../src/services/accounts/pin.ts';
import { createRegistrationService } from '../../src/services/accounts/registration.ts';
import type { UserRow } from '../../src/db/users.ts';
import type { TestDatabase } from './database.ts';
import type { TestUser } from './fakeTelegram/index.ts';

export const TEST_PIN = '739164';
let pinHash: Promise<string> | undefined;

/** Registers a Telegram test user directly through the service (fast), with TEST_PIN as their PIN. */
export async function seedUser(
  db: TestDatabase,
  user: Pick<TestUser, 'id' | 'first_name' | 'last_name' | 'username'>,
  options: { email?: string; adminIds?: number[] } = {},
): Promise<UserRow> {
  pinHash ??= hashPin(TEST_PIN);
  const registration = createRegistrationService({ pool: db.pool, adminIds: options.adminIds ?? [] });
  const result = await registration.register({
    telegramId: user.id,
    telegramUsername: user.username,
    languageCode: 'en',
    email: options.email ?? `user${user.id}@example.com`,
    phone: '+233241234567',
    firstName: user.first_name,
    lastName: user.last_name ?? 'Tester',
    pinHash: await pinHash,
  });
  if (result.status !== 'registered') throw new Error(`seedUser: ${result.status}`);
  return result.user;
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';

export const userRowSchema = z.object({
  id: z.number(),
  telegram_id: z.number().nullable(),
  username: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  role: z.enum(['user', 'admin']),
  kyc_status: z.enum(['pending', 'approved', 'rejected']),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  language_code: z.string().nullable(),
  is_active: z.boolean(),
  date_joined: z.date(),
  pin_locked_until: z.date().nullable(),
});
export type UserRow = z.infer<typeof userRowSchema>;

const userColumns = columnsOf(userRowSchema);

export async function findUserByTelegramId(db: CommonQueryMethods, telegramId: number): Promise<UserRow | null> {
  return db.maybeOne(sql.type(userRowSchema)`SELECT ${userColumns} FROM users WHERE telegram_id = ${telegramId}`);
}

export async function emailExists(db: CommonQueryMethods, email: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM users WHERE lower(email) = lower(${email})`);
}

export async function usernameExists(db: CommonQueryMethods, username: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM users WHERE lower(username) = lower(${username})`);
}

export interface NewUser {
  telegramId: number;
  username: string;
  email: string;
  phone: string;
  pinHash: string;
  role: 'user' | 'admin';
  firstName: string;
  lastName: string;
  languageCode: string | null;
}

export async function insertUser(db: CommonQueryMethods, user: NewUser): Promise<UserRow> {
  return db.one(sql.type(userRowSchema)`
    INSERT INTO users (
      telegram_id, username, email, phone, password, role, first_name, last_name, language_code,
      is_staff, date_joined, created_at, updated_at
    ) VALUES (
      ${user.telegramId}, ${user.username}, ${user.email}, ${user.phone}, ${user.pinHash}, ${user.role},
      ${user.firstName}, ${user.lastName}, ${user.languageCode}, ${user.role === 'admin'}, now(), now(), now()
    )
    RETURNING ${userColumns}
  `);
}

const roleChangeSchema = z.object({ telegram_id: z.number(), role: z.enum(['user', 'admin']) });

/**
 * Gives the admin role to the users whose Telegram ids are `adminTelegramIds` and takes it from every other
 * Telegram user; the users whose role changed, with their new role.
 */
export async function setAdminRoles(db: CommonQueryMethods, adminTelegramIds: readonly number[]): Promise<readonly z.infer<typeof roleChangeSchema>[]> {
  const admins = sql.array(adminTelegramIds, 'int8');
  return db.any(sql.type(roleChangeSchema)`
    UPDATE users
       SET role = CASE WHEN telegram_id = ANY(${admins}) THEN 'admin' ELSE 'user' END,
           is_staff = telegram_id = ANY(${admins}), updated_at = now()
     WHERE telegram_id IS NOT NULL AND (role = 'admin') <> (telegram_id = ANY(${admins}))
    RETURNING telegram_id, role
  `);
}

export async function findUserById(db: CommonQueryMethods, id: number): Promise<UserRow | null> {
  return db.maybeOne(sql.type(userRowSchema)`SELECT ${userColumns} FROM users WHERE id = ${id}`);
}

export async function setKycStatus(db: CommonQueryMethods, userId: number, status: UserRow['kyc_status']): Promise<void> {
  await db.query(sql.unsafe`UPDATE users SET kyc_status = ${status}, updated_at = now() WHERE id = ${userId}`);
}

/** Marks (or clears) that the user blocked the bot, so deliveries skip them until they write again. */
export async function setBotBlocked(db: CommonQueryMethods, telegramId: number, blocked: boolean): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE users SET bot_blocked_at = ${blocked ? sql.fragment`coalesce(bot_blocked_at, now())` : null}
     WHERE telegram_id = ${telegramId} AND (bot_blocked_at IS NULL) = ${blocked}
  `);
}

const pinStateSchema = z.object({
  password: z.string(),
  pin_failed_attempts: z.number(),
  pin_locked_until: z.date().nullable(),
});
export type PinState = z.infer<typeof pinStateSchema>;
const pinCountSchema = pinStateSchema.omit({ password: true });

export async function readPinState(db: CommonQueryMethods, userId: number): Promise<PinState | null> {
  return db.maybeOne(sql.type(pinStateSchema)`SELECT password, pin_failed_attempts, pin_locked_until FROM users WHERE id = ${userId}`);
}

/**
 * Counts a wrong PIN in one statement (safe when two arrive at once): a lock that has ended starts the count
 * again; reaching `maxAttempts` locks until `lockUntil`.
 */
export async function recordWrongPin(
  db: CommonQueryMethods,
  userId: number,
  options: { now: Date; maxAttempts: number; lockUntil: Date },
): Promise<{ pin_failed_attempts: number; pin_locked_until: Date | null }> {
  const now = options.now.toISOString();
  const attempts = sql.fragment`CASE WHEN pin_locked_until IS NOT NULL AND pin_locked_until <= ${now} THEN 1 ELSE pin_failed_attempts + 1 END`;
  return db.one(sql.type(pinCountSchema)`
    UPDATE users
       SET pin_failed_attempts = ${attempts},
           pin_locked_until = CASE WHEN ${attempts} >= ${options.maxAttempts} THEN ${options.lockUntil.toISOString()}::timestamptz ELSE NULL END
     WHERE id = ${userId}
    RETURNING pin_failed_attempts, pin_locked_until
  `);
}

export async function resetPinFailures(db: CommonQueryMethods, userId: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE users SET pin_failed_attempts = 0, pin_locked_until = NULL WHERE id = ${userId} AND pin_failed_attempts > 0`);
}

import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot, type TestBotOptions } from './bot.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { FakeTelegram, type ApiCall, type TestUser } from './fakeTelegram/index.ts';
import { expectLedgerMatchesWallets, setPrice, TestClock, verifiedUser } from './flows.ts';

/** Nothing waiting for an admin, and prices set by hand (a live price would go stale while a test clock moves). */
export const NOTHING_WAITING_MANUAL_PRICE: readonly string[] = [
  'DELETE FROM approval_reminders',
  "UPDATE crypto_transactions SET status = 'declined', decided_at = now() WHERE status = 'pending'",
  "UPDATE cash_deposits SET status = 'declined', decided_at = now() WHERE status = 'pending'",
  "UPDATE settings SET live_rate_source = 'manual'",
];

export interface DeskSetup<Admin extends string> {
  /** The admins by the name the tests call them, all in the admin group. */
  admins: Record<Admin, { id: number; first_name: string; last_name: string }>;
  /** Users made by `newUser` get Telegram ids after this one. */
  firstUserId: number;
  /** Statements run before each test once the admin cards are cleared: what the file's tests start from. */
  startFrom?: readonly string[];
  /** The price in GHS the first admin sets before each test. */
  price?: string;
  /** Updates a user may send in 10 s (tests click through flows faster than a person). */
  updatesPer10s?: number;
  /** More options of the bot, made for each test. */
  botOptions?: () => Partial<TestBotOptions>;
  /** A refused call the file's tests cause on purpose (any other refused call fails the test). */
  refusalIsExpected?: (call: ApiCall) => boolean;
}

/** What each test of a desk file works with; the fields are the current test's. */
export interface Desk<Admin extends string> {
  readonly db: TestDatabase;
  readonly tg: FakeTelegram;
  readonly bot: TestBot;
  readonly clock: TestClock;
  readonly admins: Readonly<Record<Admin, TestUser>>;
  /** A registered user with approved identity. */
  newUser(name: string): Promise<TestUser>;
}

/**
 * A desk for a test file's money flows: one database for the file; for each test a fresh fake Telegram, the admins
 * in the admin group, and the bot on a test clock. After each test no call was refused unexpectedly and the ledger
 * matches the wallets.
 */
export function useDesk<Admin extends string>(setup: DeskSetup<Admin>): Desk<Admin> {
  let db: TestDatabase | undefined;
  let tg: FakeTelegram | undefined;
  let bot: TestBot | undefined;
  let clock = new TestClock();
  let admins: Record<Admin, TestUser> | undefined;
  let nextUserId = setup.firstUserId;
  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is made for each test: use it inside one`);
    return value;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    const database = current(db, 'the database');
    await database.query('DELETE FROM approval_cards');
    await database.query('DELETE FROM card_deliveries');
    for (const statement of setup.startFrom ?? []) await database.query(statement);
    tg = await FakeTelegram.start();
    clock = new TestClock();
    const telegram = tg;
    const profiles = Object.entries(setup.admins) as [Admin, { id: number; first_name: string; last_name: string }][];
    admins = Object.fromEntries(profiles.map(([name, profile]) => [name, telegram.createUser(profile)])) as Record<Admin, TestUser>;
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: Object.values<TestUser>(admins) });
    bot = await startTestBot({
      db: database,
      tg,
      adminIds: profiles.map(([, profile]) => profile.id),
      clock: clock.now,
      rateLimit: { updates: setup.updatesPer10s ?? 200, perMilliseconds: 10_000 },
      ...setup.botOptions?.(),
    });
    const [firstAdmin] = profiles;
    if (setup.price && firstAdmin) await setPrice(bot, setup.price, firstAdmin[1].id);
  });
  afterEach(async () => {
    await bot?.stop();
    await tg?.stop();
    // Faults a test injects and superseded polls are not counted as refused.
    const expected = setup.refusalIsExpected ?? (() => false);
    expect(tg?.rejectedCalls.filter((call) => !expected(call)).map((call) => [call.method, call.error?.description])).toEqual([]);
    await expectLedgerMatchesWallets(current(db, 'the database'));
  });

  return {
    get db() {
      return current(db, 'the database');
    },
    get tg() {
      return current(tg, 'the fake Telegram');
    },
    get bot() {
      return current(bot, 'the bot');
    },
    get clock() {
      return clock;
    },
    get admins() {
      return current(admins, 'the admins');
    },
    newUser(name) {
      nextUserId += 1;
      return verifiedUser(current(db, 'the database'), current(tg, 'the fake Telegram'), nextUserId, name);
    },
  };
}

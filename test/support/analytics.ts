import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ADMIN_CHAT_ID, startTestBot, type TestBot, type TestBotOptions } from './bot.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { FakeTelegram, type TestUser } from './fakeTelegram/index.ts';
import { TestClock, verifiedUser } from './flows.ts';

export const ANALYTICS_ADMIN_ID = 940001;

export interface EventRow {
  user_id: string | null;
  event_type: string;
  event_name: string;
  properties: Record<string, unknown>;
  session_id: string | null;
}

/** Events as `type:name`, in the order they were recorded. */
export const summary = (rows: readonly EventRow[]): string[] => rows.map((row) => `${row.event_type}:${row.event_name}`);

/** One test's bot, its fake Telegram and clock, and the admin "Yaa Admin" in the admin group. */
export interface AnalyticsRun {
  tg: FakeTelegram;
  bot: TestBot;
  clock: TestClock;
  admin: TestUser;
  /** Everything recorded so far, once the recorder has written its queue. */
  events: () => Promise<EventRow[]>;
  /** A registered user whose identity is verified. */
  newUser: (name: string) => Promise<TestUser>;
}

export interface AnalyticsWorld {
  db: TestDatabase;
  /** Starts this test's bot (stopped after it, checking that Telegram refused no call). */
  start(options?: Partial<TestBotOptions>): Promise<AnalyticsRun>;
}

/** Registers the hooks of an analytics test file: one database per file, no events left from the test before. */
export function useAnalyticsWorld(firstUserId: number): AnalyticsWorld {
  let nextUserId = firstUserId;
  let running: AnalyticsRun | undefined;
  const world: AnalyticsWorld = {
    db: undefined as unknown as TestDatabase,
    async start(options = {}) {
      const { db } = world;
      const tg = await FakeTelegram.start();
      const admin = tg.createUser({ id: ANALYTICS_ADMIN_ID, first_name: 'Yaa', last_name: 'Admin' });
      tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins', members: [admin] });
      const clock = new TestClock();
      const bot = await startTestBot({ db, tg, adminIds: [ANALYTICS_ADMIN_ID], clock: clock.now, rateLimit: { updates: 300, perMilliseconds: 10_000 }, ...options });
      running = {
        tg,
        bot,
        clock,
        admin,
        events: async () => {
          await bot.services.analytics.events.flush();
          return db.query<EventRow>('SELECT user_id, event_type, event_name, properties, session_id FROM analytics_events ORDER BY id');
        },
        newUser: (name) => {
          nextUserId += 1;
          return verifiedUser(db, tg, nextUserId, name);
        },
      };
      return running;
    },
  };
  beforeAll(async () => {
    world.db = await createTestDatabase();
  });
  afterAll(() => world.db.drop());
  beforeEach(async () => {
    await world.db.query('DELETE FROM analytics_events');
  });
  afterEach(async () => {
    if (!running) return;
    const { bot, tg } = running;
    running = undefined;
    await bot.stop();
    await tg.stop();
    expect(tg.rejectedCalls.filter((call) => !call.superseded).map((call) => [call.method, call.error?.description])).toEqual([]);
  });
  return world;
}

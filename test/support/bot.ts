import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ALLOWED_UPDATES, createBot, createBotConversationStore, type ConversationStore } from '../../src/bot.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import type { Config, PaystackConfig } from '../../src/config.ts';
import type { Job } from '../../src/jobs/job.ts';
import type { RateLimit } from '../../src/middleware/core.ts';
import type { Clock } from '../../src/services/platform/clock.ts';
import { InFlightUpdates } from '../../src/middleware/inFlight.ts';
import { createServices, runStartTasks, runStopTasks, type AppServices as Services } from '../../src/modules.ts';
import type { CardDeliverer } from '../../src/services/approvals/cardDelivery.ts';
import type { NotificationDelivery } from '../../src/services/notifications/delivery.ts';
import { databaseIsReachable } from '../../src/db/health.ts';
import { createDatabasePool } from '../../src/db/setup/pool.ts';
import { createUpdateSequencer } from '../../src/services/platform/updateSequencing.ts';
import type { SendingLimits } from '../../src/telegram/apiPlugins.ts';
import { startPolling } from '../../src/telegram/polling.ts';
import { startHealthServer, startWebhookServer } from '../../src/webhook.ts';
import { afterPaystackWork, PAYSTACK_WEBHOOK_PATH, paystackWebhookRoute } from '../../src/paystackWebhook.ts';
import type { Server } from 'node:http';
import type { TestDatabase } from './database.ts';
import type { FakeTelegram } from './fakeTelegram/index.ts';

export const ADMIN_CHAT_ID = -1001234567890;
/** What STATE_SECRET is in tests. */
export const TEST_STATE_SECRET = 'test-state-secret-0123456789abcdef';

/** Log lines kept in memory, so tests can read what the bot logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestBot {
  services: Services;
  /** Runs one of the bot's cron jobs now at the test clock's time (its work only: no slot claim, no log line). */
  runJob(name: string): Promise<void>;
  /** The cron jobs this bot would schedule, to run through the scheduler's runJobSlot. */
  jobs: readonly Job[];
  notifications: NotificationDelivery;
  /** The admin chat's card queue: cards reach the chat a moment after the commit that queued them. */
  cards: CardDeliverer;
  /** Where this bot stores media (a temporary folder of its own). */
  dataDir: string;
  logs: LogCapture;
  logger: Logger;
  /** In webhook mode: where the bot's webhook server listens (http on loopback). */
  webhookUrl?: string;
  /** With `paystack`: where Paystack's webhooks go (POST /paystack/webhook on the bot's HTTP port). */
  paystackWebhookUrl?: string;
  stop(): Promise<void>;
}

export interface TestBotOptions {
  db: TestDatabase;
  tg: FakeTelegram;
  adminIds?: number[];
  /** Replace some services, e.g. with one that fails, to test error handling. */
  overrideServices?: (services: Services) => Services;
  /** Webhook mode with this secret token instead of long polling. */
  webhookSecret?: string;
  /** Tests that click through whole flows faster than any person raise the flood limit. */
  rateLimit?: RateLimit;
  /** Where the rate providers fetch prices: a FakeRates server; by default nowhere reachable. */
  rateSources?: Config['rateSources'];
  clock?: Clock;
  /** Where media are stored (a DATA_DIR with a media folder); a temporary folder of the bot's own by default. */
  dataDir?: string;
  /** Wraps the conversation store, e.g. to make saving fail as a crash between commit and save would. */
  wrapConversationStore?: (store: ConversationStore) => ConversationStore;
  /** How fast the bot sends: FAST_SENDING_LIMITS unless a test is about Telegram's pace (TELEGRAM_SENDING_LIMITS). */
  sendingLimits?: SendingLimits;
  /** Paystack on (PAYSTACK_SECRET_KEY and PAYSTACK_API_URL, e.g. a FakePaystack's): its webhooks are served on a port of the bot's. */
  paystack?: PaystackConfig;
}

/** Tests that are not about Telegram's pace: the throttle is in place but never makes a test wait. */
export const FAST_SENDING_LIMITS: SendingLimits = {
  messagesPerSecond: 1000,
  inFlight: 1000,
  chatIntervalMs: 0,
  groupMessagesPerMinute: 1_000_000,
  groupWindowMs: 60_000,
  groupPlacesForAnswers: 3,
  chatCallsPerSecond: 1_000_000,
};

/** No test reaches the internet: without a fake rate server, providers point at a closed local port. */
const UNREACHABLE_RATE_SOURCES: Config['rateSources'] = {
  coinmarketcapUrl: 'http://127.0.0.1:9',
  coinmarketcapApiKey: undefined,
  coingeckoUrl: 'http://127.0.0.1:9',
};

/** The real bot, wired like main.ts but in-process, polling the fake Bot API. */
export async function startTestBot(options: TestBotOptions): Promise<TestBot> {
  const logs = new LogCapture();
  const logger = createLogger('debug', logs);
  const config = {
    botToken: options.tg.token,
    telegramApiRoot: options.tg.apiRoot,
    adminChatId: ADMIN_CHAT_ID,
    adminIds: options.adminIds ?? [],
  };
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'tradebot-media-')));
  const baseServices = createServices({
    pool: options.db.pool,
    config: {
      adminIds: config.adminIds,
      dataDir,
      cryptoAsset: 'USDT',
      stateSecret: TEST_STATE_SECRET,
      rateSources: options.rateSources ?? UNREACHABLE_RATE_SOURCES,
      paystack: options.paystack,
    },
    logger,
    clock: options.clock ?? (() => new Date()),
  });
  const services = options.overrideServices ? options.overrideServices(baseServices) : baseServices;
  await runStartTasks(services);
  const store = createBotConversationStore({ pool: options.db.pool, secret: TEST_STATE_SECRET, logger, clock: baseServices.clock });
  const conversationStore = options.wrapConversationStore ? options.wrapConversationStore(store) : store;
  const inFlight = new InFlightUpdates();
  // As main.ts does in webhook mode: each chat's updates are ordered across instances too.
  const lockPool = options.webhookSecret ? await createDatabasePool(options.db.url, { maxPoolSize: 5 }) : undefined;
  const { bot, notifications, cards, jobs, updateLedger } = createBot({
    config,
    logger,
    services,
    conversationStore,
    inFlight,
    botInfo: options.tg.botInfo,
    sendingLimits: options.sendingLimits ?? FAST_SENDING_LIMITS,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(lockPool ? { acrossInstances: createUpdateSequencer(lockPool) } : {}),
  });
  let webhookUrl: string | undefined;
  let paystackWebhookUrl: string | undefined;
  let stopReceiving: () => Promise<unknown>;
  const health = () => databaseIsReachable(options.db.pool, 2_000);
  // As app.ts: Paystack's webhooks on the bot's HTTP port, in webhook and polling mode alike.
  const routes = services.paystack ? [paystackWebhookRoute(services.paystack, logger, afterPaystackWork(notifications, cards))] : [];
  const portOf = (server: Server) => (server.address() as AddressInfo).port;
  const closing = (server: Server) => () => new Promise((resolve) => server.close(resolve));
  if (options.webhookSecret) {
    const server = await startWebhookServer(
      bot,
      { url: 'https://bot.example.com/telegram', secret: options.webhookSecret, port: 0, host: '127.0.0.1' },
      health,
      logger,
      routes,
    );
    webhookUrl = `http://127.0.0.1:${portOf(server)}/telegram`;
    if (routes.length > 0) paystackWebhookUrl = `http://127.0.0.1:${portOf(server)}${PAYSTACK_WEBHOOK_PATH}`;
    stopReceiving = closing(server);
  } else {
    const { runner } = startPolling(bot, { allowedUpdates: ALLOWED_UPDATES, parking: updateLedger, logger });
    const server = routes.length > 0 ? await startHealthServer(0, health, logger, '127.0.0.1', routes) : undefined;
    if (server) paystackWebhookUrl = `http://127.0.0.1:${portOf(server)}${PAYSTACK_WEBHOOK_PATH}`;
    stopReceiving = async () => {
      await (runner.stop() ?? Promise.resolve());
      if (server) {
        server.closeAllConnections();
        await closing(server)();
      }
    };
  }
  const clock = options.clock ?? (() => new Date());
  return {
    services,
    runJob: async (name) => {
      const job = jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job ${name}`);
      await job.run(clock());
    },
    jobs,
    notifications,
    cards,
    dataDir,
    logs,
    logger,
    ...(webhookUrl ? { webhookUrl } : {}),
    ...(paystackWebhookUrl ? { paystackWebhookUrl } : {}),
    stop: async () => {
      await stopReceiving();
      await inFlight.drain(10_000);
      // As stopApp does: the handled update ids are recorded, so a bot started next skips the updates Telegram sends again.
      await updateLedger.flush();
      await cards.stop();
      await runStopTasks(services);
      await lockPool?.end();
    },
  };
}

/**
 * A conversation store whose next save fails once armed: what a process killed between a request's commit
 * and the conversation's save leaves behind (the request exists, the conversation is at the step before).
 */
export function saveFailure(): { wrap: (store: ConversationStore) => ConversationStore; failNextSave(): void; failures: () => number } {
  let armed = false;
  let failures = 0;
  const crashIfArmed = () => {
    if (!armed) return;
    armed = false;
    failures += 1;
    throw new Error('simulated crash before the conversation was saved');
  };
  return {
    // A finished conversation is saved by deleting its state: both count as the save.
    wrap: (store) => ({
      expireIdle: (now) => store.expireIdle(now),
      takeExpired: (key) => store.takeExpired(key),
      read: (key) => store.read(key),
      fromStored: (key, stored) => store.fromStored(key, stored),
      delete: async (key) => {
        crashIfArmed();
        await store.delete(key);
      },
      write: async (key, value) => {
        crashIfArmed();
        await store.write(key, value);
      },
    }),
    failNextSave: () => {
      armed = true;
    },
    failures: () => failures,
  };
}

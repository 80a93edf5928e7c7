import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import type { Server } from 'node:http';
import { ALLOWED_UPDATES, createBot, createBotConversationStore, registerCommands } from './bot.ts';
import type { Config } from './config.ts';
import type { BotContext } from './context.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/setup/embedded.ts';
import { runMigrations } from './db/setup/migrations.ts';
import { createDatabasePool, type DatabasePool } from './db/setup/pool.ts';
import type { Job } from './jobs/job.ts';
import { scheduleJobs, type RunningJobs, type SchedulerDeps } from './jobs/scheduler.ts';
import type { Logger } from './logger.ts';
import type { RateLimit } from './middleware/core.ts';
import type { InFlightUpdates } from './middleware/inFlight.ts';
import { createServices, runStartTasks, runStopTasks, type AppServices } from './modules.ts';
import type { CardDeliverer } from './services/approvals/cardDelivery.ts';
import type { NotificationDelivery } from './services/notifications/delivery.ts';
import type { Clock } from './services/platform/clock.ts';
import { createJobSlots } from './services/platform/jobSlots.ts';
import { createUpdateSequencer } from './services/platform/updateSequencing.ts';
import type { SendingLimits } from './telegram/apiPlugins.ts';
import { connectToTelegram } from './telegram/connect.ts';
import { databaseIsReachable } from './db/health.ts';
import { startHealthServer, startWebhookServer } from './webhook.ts';

const SHUTDOWN_GRACE_MS = 25_000;
/** /healthz reports the database unreachable when SELECT 1 takes longer. */
const HEALTH_TIMEOUT_MS = 2_000;
/** Chats handled at once by this instance in webhook mode, each holding a connection for its update locks. */
const UPDATE_LOCK_CONNECTIONS = 25;
/**
 * Updates handled at once in polling mode (the runner's default is 500). Ten database connections serve them, so
 * more only wait inside the process, where every waiting update's objects outlive the young generation and fill
 * the heap; beyond this they wait at Telegram. (Webhook mode: Telegram's max_connections, 40 by default.)
 */
const POLLING_CONCURRENCY = 64;

/** Everything that must be stopped on shutdown, in the order it was started, and what the sandbox drives. */
export interface Running {
  embedded?: EmbeddedDatabase;
  pool?: DatabasePool;
  services?: AppServices;
  /** Webhook mode: the connections that hold the update locks shared with other instances. */
  lockPool?: DatabasePool;
  bot?: Bot<BotContext>;
  notifications?: NotificationDelivery;
  cards?: CardDeliverer;
  runner?: RunnerHandle;
  /** The webhook server (with /healthz), or in polling mode the /healthz server when PORT is set. */
  httpServer?: Server;
  /** Every module's jobs (scheduled in `jobs`); the sandbox runs each one's slot at once after moving its clock. */
  jobList?: readonly Job[];
  /** What the scheduler runs them with (their slots, the log, the clock), for the sandbox's runs too. */
  schedulerDeps?: SchedulerDeps;
  jobs?: RunningJobs;
}

/** What the sandbox sets differently from `npm start`. */
export interface AppOptions {
  /** The time of the services, the conversation store and so of every job; default the system clock. */
  clock?: Clock;
  sendingLimits?: SendingLimits;
  rateLimit?: RateLimit;
  /** Runs after the start tasks, before the bot takes updates and the jobs start (the sandbox's price and demo data). */
  beforeBot?: (services: AppServices) => Promise<void>;
}

/** config → database → migrations → services → bot → polling/webhook → jobs; `running` collects what to stop. */
export async function startApp(config: Config, logger: Logger, running: Running, inFlight: InFlightUpdates, options: AppOptions = {}): Promise<void> {
  if (config.stateSecretDerived) logger.warn('STATE_SECRET is not set: using one derived from BOT_TOKEN. Set your own before going live (see the README).');
  // Telegram first: a wrong token stops start-up before anything else has started.
  const botInfo = await connectToTelegram(new Api(config.botToken, { apiRoot: config.telegramApiRoot }), logger);
  if (!config.databaseUrl) running.embedded = await startEmbeddedDatabase(config.dataDir, logger);
  const databaseUrl = config.databaseUrl ?? running.embedded?.url ?? '';
  await runMigrations(databaseUrl, logger);
  const pool = await createDatabasePool(databaseUrl);
  running.pool = pool;

  // Behind one webhook URL, several instances may share the database: each chat's updates are ordered across them.
  if (config.webhook) running.lockPool = await createDatabasePool(databaseUrl, { maxPoolSize: UPDATE_LOCK_CONNECTIONS });
  const services = createServices({ pool, config, logger, ...(options.clock ? { clock: options.clock } : {}) });
  running.services = services;
  await runStartTasks(services);
  await options.beforeBot?.(services);
  const { bot, notifications, cards, menu, jobs } = createBot({
    config,
    logger,
    services,
    conversationStore: createBotConversationStore({ pool, secret: config.stateSecret, logger, clock: services.clock }),
    inFlight,
    botInfo,
    ...(running.lockPool ? { acrossInstances: createUpdateSequencer(running.lockPool) } : {}),
    ...(options.sendingLimits ? { sendingLimits: options.sendingLimits } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  running.bot = bot;
  running.notifications = notifications;
  running.cards = cards;
  running.jobList = jobs;
  running.schedulerDeps = { slots: createJobSlots(pool), logger, ...(options.clock ? { clock: options.clock } : {}) };
  running.jobs = scheduleJobs(jobs, running.schedulerDeps);
  await registerCommands(bot.api, menu, config, logger);

  const health = () => databaseIsReachable(pool, HEALTH_TIMEOUT_MS);
  if (config.webhook) {
    running.httpServer = await startWebhookServer(bot, config.webhook, health, logger);
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: ALLOWED_UPDATES });
  } else {
    if (config.healthPort !== undefined) running.httpServer = await startHealthServer(config.healthPort, health, logger);
    await bot.api.deleteWebhook();
    running.runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true }, sink: { concurrency: POLLING_CONCURRENCY } });
  }
  logger.info({ username: bot.botInfo.username, mode: config.webhook ? 'webhook' : 'polling' }, 'bot started');
}

/** Stop taking updates, finish the ones in flight, then close the pool and the embedded database. */
export async function stopApp(running: Running, inFlight: InFlightUpdates, logger: Logger): Promise<void> {
  await running.jobs?.stop();
  await running.runner?.stop();
  if (running.httpServer) {
    const server = running.httpServer;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (!(await inFlight.drain(SHUTDOWN_GRACE_MS))) logger.warn('updates still in flight at shutdown; stopping anyway');
  // Sends in progress finish and what the last updates announced goes out before the pool closes; the rest of a
  // broadcast waits in the outbox for the next start.
  await running.notifications?.stop().catch((error: unknown) => logger.error({ err: error }, 'notification delivery failed'));
  // The card in progress finishes; the rest of the queue waits for the next start (or another instance).
  await running.cards?.stop();
  if (running.runner && running.bot && inFlight.highestUpdateId >= 0) {
    // Confirm the handled updates to Telegram, so the next start does not receive them again.
    const offset = inFlight.highestUpdateId + 1;
    await running.bot.api.getUpdates({ offset, limit: 1, timeout: 0 }).catch(() => undefined);
  }
  if (running.services) await runStopTasks(running.services).catch((error: unknown) => logger.error({ err: error }, 'a module could not finish at shutdown'));
  await running.lockPool?.end();
  await running.pool?.end();
  await running.embedded?.stop();
}

/** SIGTERM and SIGINT run `stop` once, then exit (1 when it failed); a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

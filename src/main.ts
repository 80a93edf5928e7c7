import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import type { Server } from 'node:http';
import { ALLOWED_UPDATES, createBot, createBotConversationStore, registerCommands } from './bot.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { BotContext } from './context.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/setup/embedded.ts';
import { runMigrations } from './db/setup/migrations.ts';
import { createDatabasePool, type DatabasePool } from './db/setup/pool.ts';
import { scheduleJobs, type RunningJobs } from './jobs/scheduler.ts';
import { createLogger, type Logger } from './logger.ts';
import { InFlightUpdates } from './middleware/inFlight.ts';
import { createServices, runStartTasks, runStopTasks, type AppServices } from './modules.ts';
import type { NotificationDelivery } from './services/notifications/delivery.ts';
import { createJobSlots } from './services/platform/jobSlots.ts';
import { createUpdateSequencer } from './services/platform/updateSequencing.ts';
import { connectToTelegram, TokenRefusedError } from './telegram/connect.ts';
import { databaseIsReachable } from './db/health.ts';
import { startHealthServer, startWebhookServer } from './webhook.ts';

const SHUTDOWN_GRACE_MS = 25_000;
/** /healthz reports the database unreachable when SELECT 1 takes longer. */
const HEALTH_TIMEOUT_MS = 2_000;
/** Chats handled at once by this instance in webhook mode, each holding a connection for its update locks. */
const UPDATE_LOCK_CONNECTIONS = 25;

/** Everything that must be stopped on shutdown, in the order it was started. */
interface Running {
  embedded?: EmbeddedDatabase;
  pool?: DatabasePool;
  services?: AppServices;
  /** Webhook mode: the connections that hold the update locks shared with other instances. */
  lockPool?: DatabasePool;
  bot?: Bot<BotContext>;
  notifications?: NotificationDelivery;
  runner?: RunnerHandle;
  /** The webhook server (with /healthz), or in polling mode the /healthz server when PORT is set. */
  httpServer?: Server;
  jobs?: RunningJobs;
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function start(config: Config, logger: Logger, running: Running, inFlight: InFlightUpdates): Promise<void> {
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
  const services = createServices({ pool, config, logger });
  running.services = services;
  await runStartTasks(services);
  const { bot, notifications, menu, jobs } = createBot({
    config,
    logger,
    services,
    conversationStore: createBotConversationStore({ pool, secret: config.stateSecret, logger, clock: services.clock }),
    inFlight,
    botInfo,
    ...(running.lockPool ? { acrossInstances: createUpdateSequencer(running.lockPool) } : {}),
  });
  running.bot = bot;
  running.notifications = notifications;
  running.jobs = scheduleJobs(jobs, { slots: createJobSlots(pool), logger });
  await registerCommands(bot.api, menu, config, logger);

  const health = () => databaseIsReachable(pool, HEALTH_TIMEOUT_MS);
  if (config.webhook) {
    running.httpServer = await startWebhookServer(bot, config.webhook, health, logger);
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: ALLOWED_UPDATES });
  } else {
    if (config.healthPort !== undefined) running.httpServer = await startHealthServer(config.healthPort, health, logger);
    await bot.api.deleteWebhook();
    running.runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
  }
  logger.info({ username: bot.botInfo.username, mode: config.webhook ? 'webhook' : 'polling' }, 'bot started');
}

/** Stop taking updates, finish the ones in flight, then close the pool and the embedded database. */
async function stop(running: Running, inFlight: InFlightUpdates, logger: Logger): Promise<void> {
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

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel, undefined, { pretty: process.stdout.isTTY });
  const running: Running = {};
  const inFlight = new InFlightUpdates();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop(running, inFlight, logger).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  try {
    await start(config, logger, running, inFlight);
  } catch (error) {
    if (error instanceof TokenRefusedError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, 'start-up failed');
    await stop(running, inFlight, logger).catch(() => undefined);
    process.exit(1);
  }
}

await main();

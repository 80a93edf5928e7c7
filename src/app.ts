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
import type { UpdateLedger } from './services/platform/updateLedger.ts';
import type { Update } from 'grammy/types';
import { createServices, runStartTasks, runStopTasks, type AppServices } from './modules.ts';
import type { CardDeliverer } from './services/approvals/cardDelivery.ts';
import type { NotificationDelivery } from './services/notifications/delivery.ts';
import type { Clock } from './services/platform/clock.ts';
import { createJobSlots } from './services/platform/jobSlots.ts';
import { createUpdateSequencer } from './services/platform/updateSequencing.ts';
import type { SendingLimits } from './telegram/apiPlugins.ts';
import { connectToTelegram } from './telegram/connect.ts';
import { botApiClientOptions } from './telegram/botApiFetch.ts';
import { startPolling, type PolledUpdates, type Polling } from './telegram/polling.ts';
import { databaseIsReachable } from './db/health.ts';
import { startHealthServer, startWebhookServer } from './webhook.ts';
import { afterPaystackWork, paystackWebhookRoute } from './paystackWebhook.ts';

/**
 * Of the shutdown's deadline (SHUTDOWN_TIMEOUT_S), the work in flight gets this share; then its Telegram calls
 * are cut off, and the rest is for recording what was handled, confirming it to Telegram and closing the database.
 */
const CUT_OFF_SHARE = 0.75;
/** After the cut-off, how long the updates and sends it ended get to wind up. */
const WIND_UP_MS = 1000;
/** The offset confirmed at the end waits this long for Telegram at most (an unconfirmed update is skipped when it comes again). */
const CONFIRM_TIMEOUT_SECONDS = 2;
/** /healthz reports the database unreachable when SELECT 1 takes longer. */
const HEALTH_TIMEOUT_MS = 2_000;
/** Chats handled at once by this instance in webhook mode, each holding a connection for its update locks. */
const UPDATE_LOCK_CONNECTIONS = 25;

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
  updateLedger?: UpdateLedger;
  /** Polling mode: the runner, and which polled updates are handled (for the offset confirmed at the stop). */
  polling?: Polling;
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
  /** Where the /healthz (and Paystack webhook) server listens in long polling; default every interface. */
  httpHost?: string;
  /** The embedded PostgreSQL ended before the bot stopped it. */
  onDatabaseExit?: (exit: { code: number | null; signal: string | null }) => void;
}

/** config → database → migrations → services → bot → polling/webhook → jobs; `running` collects what to stop. */
export async function startApp(config: Config, logger: Logger, running: Running, inFlight: InFlightUpdates, options: AppOptions = {}): Promise<void> {
  if (config.stateSecretDerived) logger.warn('STATE_SECRET is not set: using one derived from BOT_TOKEN. Set your own before going live (see the README).');
  // Telegram first: a wrong token stops start-up before anything else has started.
  const botInfo = await connectToTelegram(new Api(config.botToken, botApiClientOptions(config.telegramApiRoot)), logger);
  if (!config.databaseUrl) running.embedded = await startEmbeddedDatabase(config.dataDir, logger, options.onDatabaseExit);
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
  const { bot, notifications, cards, menu, jobs, updateLedger } = createBot({
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
  running.updateLedger = updateLedger;
  running.jobList = jobs;
  running.schedulerDeps = { slots: createJobSlots(pool), logger, ...(options.clock ? { clock: options.clock } : {}) };
  running.jobs = scheduleJobs(jobs, running.schedulerDeps);
  await registerCommands(bot.api, menu, config, logger);
  await handleParkedUpdates(bot, updateLedger, logger);

  const health = () => databaseIsReachable(pool, HEALTH_TIMEOUT_MS);
  const routes = services.paystack ? [paystackWebhookRoute(services.paystack, logger, afterPaystackWork(notifications, cards))] : [];
  if (config.webhook) {
    running.httpServer = await startWebhookServer(bot, config.webhook, health, logger, routes);
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: ALLOWED_UPDATES });
  } else {
    if (config.healthPort !== undefined) running.httpServer = await startHealthServer(config.healthPort, health, logger, options.httpHost, routes);
    await bot.api.deleteWebhook();
    running.polling = startPolling(bot, { allowedUpdates: ALLOWED_UPDATES, parking: updateLedger, logger });
  }
  logger.info({ username: bot.botInfo.username, mode: config.webhook ? 'webhook' : 'polling' }, 'bot started');
}

/** The polled updates parked by the last run and not handled by it, before any new one (Telegram has them confirmed). */
async function handleParkedUpdates(bot: Bot<BotContext>, ledger: UpdateLedger, logger: Logger): Promise<void> {
  const stored = await ledger.unfinished();
  if (stored.length === 0) return;
  logger.info({ updates: stored.length }, 'handling the updates the last run parked');
  // Begun in order, so each chat's run in order; a failure was apologised for, like any update's.
  const outcomes = await Promise.allSettled(stored.map((update) => bot.handleUpdate(update as Update)));
  ledger.dropUnfinished(stored.filter((_, index) => outcomes[index]?.status === 'fulfilled').map((update) => update.update_id));
  await ledger.flush();
}

/** Whether `work` settled within `ms`. */
function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}

/**
 * Stops within `deadlineMs` whatever Telegram does: stop taking updates and jobs; let the updates in flight,
 * the jobs and the notifications their updates announced finish until the cut-off (three quarters of the
 * deadline), then end their Telegram calls; record the handled ids and confirm the polled updates below the
 * lowest one not handled (the rest come again at the next start); close the pools and the embedded database.
 */
export async function stopApp(running: Running, inFlight: InFlightUpdates, logger: Logger, deadlineMs: number): Promise<void> {
  const cutOffAt = Date.now() + deadlineMs * CUT_OFF_SHARE;
  inFlight.stopTaking();
  const server = running.httpServer;
  const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
  const work = (async () => {
    await Promise.all([running.jobs?.stop(), running.polling?.runner.stop(), inFlight.drain()]);
    // What the last updates announced goes out before the pool closes; the rest of a broadcast waits in the outbox.
    // The card in progress finishes, or after 5 seconds is given back to the queue for the next start or instance.
    await Promise.all([running.notifications?.stop(), running.cards?.stop()]);
  })().catch((error: unknown) => logger.error({ err: error }, 'notification delivery failed'));
  if (!(await settledWithin(work, cutOffAt - Date.now()))) {
    logger.warn({ updates_in_flight: inFlight.count }, 'shutdown: cutting off the Telegram calls still waiting');
    inFlight.cutOff();
    await settledWithin(work, WIND_UP_MS);
  }
  // Webhook requests still open get no 200: Telegram sends their updates again.
  server?.closeAllConnections();
  await serverClosed;
  // Recorded before the offset is confirmed: an update Telegram sends again after a kill here is skipped.
  await running.updateLedger?.flush();
  if (running.polling && running.bot) await confirmHandledUpdates(running.bot, running.polling.polled, logger);
  if (running.services) await runStopTasks(running.services).catch((error: unknown) => logger.error({ err: error }, 'a module could not finish at shutdown'));
  await running.lockPool?.end();
  await running.pool?.end();
  await running.embedded?.stop();
}

/**
 * Polling: confirms to Telegram the updates handled, below the lowest one not handled; those not handled come
 * again at the next start.
 */
async function confirmHandledUpdates(bot: Bot<BotContext>, polled: PolledUpdates, logger: Logger): Promise<void> {
  if (polled.unhandled > 0) logger.info({ updates: polled.unhandled }, 'updates not handled are left to Telegram for the next start');
  // Not through the bot's api: its calls are cut off, and a confirmation is worth no retries.
  const api = new Api(bot.token, { ...bot.api.options, timeoutSeconds: CONFIRM_TIMEOUT_SECONDS });
  await api.getUpdates({ offset: polled.offset, limit: 1, timeout: 0 }).catch(() => undefined);
}

/**
 * SIGTERM and SIGINT run `stop` once, then exit (1 when it failed); it gets `deadlineMs`, after which the process
 * exits anyway. A second signal, or the deadline, runs `stopNow` (stops the embedded PostgreSQL) and exits.
 */
export function stopOnSignals(stop: () => Promise<void>, stopNow: () => Promise<void>, logger: Logger, deadlineMs: number): void {
  let stopping = false;
  const exitNow = (reason: string) => {
    logger.warn(reason);
    const exit = () => process.exit(1);
    stopNow().then(exit, exit);
  };
  const shutdown = (signal: string) => {
    if (stopping) {
      exitNow(`second ${signal}: exiting now`);
      return;
    }
    stopping = true;
    logger.info({ signal, deadline_s: deadlineMs / 1000 }, 'shutting down');
    setTimeout(() => exitNow('the shutdown did not finish before its deadline: exiting now'), deadlineMs).unref();
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

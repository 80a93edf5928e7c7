import { conversations, createConversation, type ConversationData, type VersionedState, type VersionedStateStorage } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Api, Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.ts';
import type { BotContext, ConversationContext } from './context.ts';
import { createCards } from './features/approvals/publisher.ts';
import { cancelFeature, CORE_COMMANDS, fallbackFeature, helpFeature, menuButtonLeavesConversation } from './features/core/index.ts';
import type { BotModule, ModuleDeps, OrderList } from './features/module.ts';
import { telegramNotificationSender } from './features/notifications/sender.ts';
import type { Job } from './jobs/job.ts';
import type { Logger } from './logger.ts';
import { loadAccount, takeConversationRead } from './middleware/account.ts';
import { abuseLimiter, errorBoundary, skipHandledUpdates, updateLogger, type RateLimit } from './middleware/core.ts';
import { UpdateLeftUnfinished, type InFlightUpdates } from './middleware/inFlight.ts';
import { MODULES, type AppServices } from './modules.ts';
import type { CardDeliverer } from './services/approvals/cardDelivery.ts';
import { createNotificationDelivery, type NotificationDelivery } from './services/notifications/delivery.ts';
import { createConversationStore, type ConversationStateStore } from './services/platform/conversationStore.ts';
import { expireConversationsJob } from './jobs/expireConversations.ts';
import { conversationKey, expiredConversationNotice } from './middleware/expiredConversations.ts';
import { noteConversationEntered, noteConversationExited, traceActiveConversations } from './middleware/conversationLifecycle.ts';
import { pruneJobRunsJob } from './jobs/pruneJobRuns.ts';
import { pruneHandledUpdatesJob } from './jobs/pruneHandledUpdates.ts';
import { createUpdateLedger, type UpdateLedger } from './services/platform/updateLedger.ts';
import { createJobSlots } from './services/platform/jobSlots.ts';
import type { DatabasePool } from 'slonik';
import type { Clock } from './services/platform/clock.ts';
import type { UpdateSequencer } from './services/platform/updateSequencing.ts';
import { botApiClientOptions } from './telegram/botApiFetch.ts';
import { createApiPlugins, type SendingLimits } from './telegram/apiPlugins.ts';
import { createCommandMenu, type CommandMenu } from './telegram/commands.ts';
import { createFileDownloader } from './telegram/files.ts';

export type ConversationStore = ConversationStateStore<VersionedState<ConversationData>>;

/** The store of the bot's conversations: encrypted, and naming the flows each state holds. */
export function createBotConversationStore(deps: { pool: DatabasePool; secret: string; logger: Logger; clock: Clock }): ConversationStore {
  return createConversationStore({ ...deps, flowsOf: (value) => Object.keys(value.state) });
}

/** The conversations plugin's storage: this update's state comes from loadAccount's read when it made one. */
function conversationStorage(store: ConversationStore): VersionedStateStorage<BotContext, ConversationData> {
  return {
    read(ctx) {
      const key = conversationKey(ctx);
      if (key === undefined) return undefined;
      const stored = takeConversationRead(ctx);
      return stored ? store.fromStored(key, stored) : store.read(key);
    },
    async write(ctx, state) {
      const key = conversationKey(ctx);
      if (key !== undefined) await store.write(key, state);
    },
    async delete(ctx) {
      const key = conversationKey(ctx);
      if (key !== undefined) await store.delete(key);
    },
  };
}

export interface BotDependencies {
  config: Pick<Config, 'botToken' | 'telegramApiRoot' | 'adminChatId' | 'adminIds'>;
  logger: Logger;
  services: AppServices;
  conversationStore: ConversationStore;
  inFlight: InFlightUpdates;
  modules?: readonly BotModule[];
  /** Known bot identity (skips getMe at start; tests pass it). */
  botInfo?: UserFromGetMe;
  /** With several instances (webhook mode): orders each chat's updates across them too. */
  acrossInstances?: UpdateSequencer;
  /** Flood limit per user; defaults to over 20 updates in 10 s. */
  rateLimit?: RateLimit;
  /** How fast the bot sends; Telegram's limits unless given (tests that are not about pace go faster). */
  sendingLimits?: SendingLimits;
}

/** The updates the bot asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Updates of one chat, and of one user, are handled in order; different chats run concurrently. */
function sequenceKeys(ctx: BotContext): string[] {
  return [ctx.chat && `chat:${ctx.chat.id}`, ctx.from && `user:${ctx.from.id}`].filter((key) => typeof key === 'string');
}

export interface BotApp {
  bot: Bot<BotContext>;
  /** Delivers the notifications outbox through this bot. */
  notifications: NotificationDelivery;
  /** Delivers the admin chat's queued approval cards through this bot. */
  cards: CardDeliverer;
  menu: CommandMenu;
  /** Every module's cron jobs, for main.ts to schedule. */
  jobs: readonly Job[];
  /** The updates handled (a redelivered one is skipped) and the polled ones parked for the next start. */
  updateLedger: UpdateLedger;
}

/** The middleware in order, then every module: conversations first, then handlers, then the fallback. */
export function createBot(deps: BotDependencies): BotApp {
  const { config, logger, services } = deps;
  const modules = deps.modules ?? MODULES;
  const bot = new Bot<BotContext>(config.botToken, {
    client: botApiClientOptions(config.telegramApiRoot),
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  // Two lanes: bot.api and every conversation's api answer at once; the notifications' api (what the bot sends on its
  // own) is paced. Both share each group's window. The shutdown's cut-off ends every call still waiting.
  const apiPlugins = createApiPlugins(deps.sendingLimits, deps.inFlight.cutOffSignal);
  apiPlugins.install(bot.api);
  const notificationApi = new Api(config.botToken, botApiClientOptions(config.telegramApiRoot));
  apiPlugins.installForNotifications(notificationApi);

  const delivery = createNotificationDelivery({ pool: services.pool, send: telegramNotificationSender(notificationApi, services.media), logger });
  const menu = createCommandMenu([...CORE_COMMANDS, ...modules.flatMap((module) => module.commands ?? [])], {
    admins: services.admins,
    adminChatId: config.adminChatId,
  });
  // Cards go out through the notifications' api: what the bot sends on its own, paced, never ahead of answers.
  const { cards, deliverer: cardDeliverer } = createCards({
    pool: services.pool,
    approvals: services.approvals,
    media: services.media,
    views: modules.flatMap((module) => module.cardViews ?? []),
    adminChatId: config.adminChatId,
    bulkApi: notificationApi,
    logger,
  });
  const historyLabels = new Map(modules.flatMap((module) => Object.entries(module.history?.labels ?? {})));
  const orderLists: OrderList[] = [];
  const moduleDeps = (module: BotModule): ModuleDeps<unknown> => ({
    services: (services as unknown as Record<string, unknown>)[module.name],
    kernel: services,
    config,
    logger,
    menu,
    cards,
    historyLabels,
    orderLists: () => orderLists,
    delivery,
    download: createFileDownloader(config),
  });
  const parts = modules.map((module) => module.telegram?.(moduleDeps(module)) ?? {});
  orderLists.push(...parts.flatMap((part) => part.orderLists ?? []));

  bot.use(errorBoundary(logger, deps.inFlight));
  bot.use(updateLogger(logger));
  bot.use(sequentialize(sequenceKeys));
  const { acrossInstances } = deps;
  if (acrossInstances) bot.use((ctx, next) => acrossInstances.run(sequenceKeys(ctx), next));
  // Polled update ids only grow; behind a webhook, other instances handle ids too.
  const updateLedger = createUpdateLedger(services.pool, { idsOnlyGrow: !acrossInstances });
  bot.use(skipHandledUpdates(updateLedger, logger));
  bot.use(abuseLimiter(deps.rateLimit));
  bot.use(loadAccount(services.users));
  // Around everything that follows, so they see every conversation start, end and expiry (analytics).
  for (const { middleware } of parts) if (middleware) bot.use(middleware);
  bot.use(
    conversations<BotContext, ConversationContext>({
      // Per chat and user (conversationKey), so two admins answering in the admin group never share a conversation.
      storage: { type: 'context', adapter: conversationStorage(deps.conversationStore) },
      onEnter: noteConversationEntered,
      onExit: noteConversationExited,
      plugins: [
        async (ctx, next) => {
          apiPlugins.installInConversation(ctx);
          await next();
        },
      ],
    }),
  );
  // After the conversations plugin has read this update's state (which tells whether one expired).
  // Leaving a buy or deposit (an expiry, /cancel, a menu button) names the payment requests it left awaiting.
  const leavingPayments = {
    awaitingPayment: (userId: number) => services.payments.awaiting(userId),
    paymentFlows: new Set(parts.flatMap((part) => (part.conversations ?? []).flatMap((entry) => (entry.showsPayment ? [entry.name] : [])))),
  };
  const restartCommands = new Map(parts.flatMap((part) => (part.conversations ?? []).map((entry) => [entry.name, entry.restartCommand ?? entry.name] as const)));
  bot.use(
    expiredConversationNotice({
      takeExpired: (key) => deps.conversationStore.takeExpired(key),
      menu,
      restartCommands,
      ...leavingPayments,
    }),
  );
  bot.use(traceActiveConversations);
  // Before the conversations themselves, so they work in the middle of one.
  bot.use(cancelFeature(menu, leavingPayments));
  bot.use(helpFeature(menu));
  bot.use(menuButtonLeavesConversation(menu, leavingPayments));
  for (const { conversations: entries = [] } of parts) {
    for (const { name, builder } of entries) bot.use(createConversation(builder, name));
  }
  for (const { composer } of parts) if (composer) bot.use(composer);
  bot.use(fallbackFeature(menu));

  bot.catch((error) => {
    // Counted by the shutdown: its offset is not confirmed, so Telegram sends it again at the next start.
    if (error.error instanceof UpdateLeftUnfinished) return;
    logger.error({ err: error.error, update_id: error.ctx.update.update_id }, 'unhandled bot error');
  });
  const jobs = [
    expireConversationsJob({ store: deps.conversationStore, clock: services.clock }),
    pruneJobRunsJob(createJobSlots(services.pool)),
    pruneHandledUpdatesJob(updateLedger),
    // Jobs send on their own (reminders, the digest, alerts): the bulk lane.
    ...modules.flatMap((module) => module.jobs?.({ ...moduleDeps(module), api: notificationApi }) ?? []),
  ];
  return { bot, notifications: delivery, cards: cardDeliverer, menu, jobs, updateLedger };
}

/** Telegram's command menu: user commands for everyone, admin commands too in the admin chat and admins' chats. */
export async function registerCommands(api: Api, menu: CommandMenu, config: Pick<Config, 'adminChatId' | 'adminIds'>, logger: Logger): Promise<void> {
  const toBotCommand = ({ command, description }: { command: string; description: string }) => ({ command, description });
  const userCommands = menu.all.filter((entry) => !entry.adminOnly).map(toBotCommand);
  const adminCommands = menu.all.map(toBotCommand);
  await api.setMyCommands(userCommands);
  if (adminCommands.length === userCommands.length) return;
  for (const chatId of [config.adminChatId, ...config.adminIds]) {
    // An admin who never opened the bot has no chat yet; they get the admin menu after their next start.
    await api.setMyCommands(adminCommands, { scope: { type: 'chat', chat_id: chatId } }).catch((error: unknown) => {
      logger.warn({ err: error, chat_id: chatId }, 'could not set the admin command menu for a chat');
    });
  }
}

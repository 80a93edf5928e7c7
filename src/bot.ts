import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.ts';
import type { BotContext, ConversationContext } from './context.ts';
import { cancelFeature } from './features/cancel.ts';
import { COMMANDS } from './features/commands.ts';
import { fallbackFeature } from './features/fallback.ts';
import { helpFeature } from './features/help.ts';
import { startFeature } from './features/start.ts';
import type { Logger } from './logger.ts';
import { loadAccount } from './middleware/account.ts';
import { installApiPlugins } from './middleware/apiPlugins.ts';
import { abuseLimiter, errorBoundary, updateLogger, type RateLimit } from './middleware/core.ts';
import type { InFlightUpdates } from './middleware/inFlight.ts';
import { createRegistrationConversation, REGISTRATION } from './scenes/registration.ts';
import { createDeclineReasonConversation, DECLINE_REASON } from './scenes/declineReason.ts';
import { createKycConversation, KYC } from './scenes/kyc.ts';
import { createSettingsEditConversation, SETTINGS_EDIT } from './scenes/settingsEdit.ts';
import { approvalsFeature } from './admin/approvals.ts';
import { createCardPublisher } from './admin/cards.ts';
import { adminMenuFeature } from './admin/menu.ts';
import { pendingFeature } from './admin/pending.ts';
import { settingsFeature } from './admin/settings.ts';
import { chatMemberFeature } from './features/chatMember.ts';
import { kycFeature } from './features/kyc.ts';
import { moneyFeature } from './features/money.ts';
import { ratesFeature } from './admin/rates.ts';
import { createDepositConversation, createWithdrawConversation, DEPOSIT, WITHDRAW } from './scenes/cash.ts';
import { createSetPriceConversation, SET_PRICE } from './scenes/setPrice.ts';
import { BUY, createBuyConversation, createSellConversation, SELL } from './scenes/trade.ts';
import { telegramNotificationSender } from './jobs/notifications.ts';
import { createNotificationDelivery, type NotificationDelivery } from './services/notifications.ts';
import { createFileDownloader } from './telegram/files.ts';
import type { DatabasePool } from 'slonik';
import type { KeyValueStore } from './services/conversationStore.ts';
import type { Services } from './services/index.ts';

export type ConversationStore = KeyValueStore<VersionedState<ConversationData>>;

export interface BotDependencies {
  config: Pick<Config, 'botToken' | 'telegramApiRoot' | 'adminChatId' | 'adminIds'>;
  pool: DatabasePool;
  logger: Logger;
  services: Services;
  conversationStore: ConversationStore;
  inFlight: InFlightUpdates;
  /** Known bot identity (skips getMe at start; tests pass it). */
  botInfo?: UserFromGetMe;
  /** Flood limit per user; defaults to over 20 updates in 10 s. */
  rateLimit?: RateLimit;
}

/** The updates the bot asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Updates of one chat, and of one user, are handled in order; different chats run concurrently. */
function sequenceKeys(ctx: BotContext): string[] {
  return [ctx.chat && `chat:${ctx.chat.id}`, ctx.from && `user:${ctx.from.id}`].filter((key) => typeof key === 'string');
}

export interface BotApp {
  bot: Bot<BotContext>;
  /** Delivers the notifications outbox through this bot (for the delivery job). */
  notifications: NotificationDelivery;
}

export function createBot(deps: BotDependencies): BotApp {
  const { config, logger, services } = deps;
  const bot = new Bot<BotContext>(config.botToken, {
    client: { apiRoot: config.telegramApiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  installApiPlugins(bot.api);

  const notifications = createNotificationDelivery({ pool: deps.pool, send: telegramNotificationSender(bot.api), logger });
  const publisher = createCardPublisher({ approvals: services.approvals, media: services.media, adminChatId: config.adminChatId, logger });
  const decisions = { approvals: services.approvals, publisher, delivery: notifications, logger };
  const pending = { admins: services.admins, approvals: services.approvals, publisher, adminChatId: config.adminChatId };
  const download = createFileDownloader(config);

  bot.use(errorBoundary(logger, deps.inFlight));
  bot.use(updateLogger(logger));
  bot.use(sequentialize(sequenceKeys));
  bot.use(abuseLimiter(deps.rateLimit));
  bot.use(loadAccount(services.users));
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        // Per chat and user, so two admins answering in the admin group never share a conversation.
        getStorageKey: (ctx) => (ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined),
        adapter: deps.conversationStore,
      },
      plugins: [
        async (ctx, next) => {
          installApiPlugins(ctx.api);
          await next();
        },
      ],
    }),
  );
  // Before the conversations themselves, so they work in the middle of one.
  bot.use(cancelFeature());
  bot.use(helpFeature());
  bot.use(createConversation(createRegistrationConversation(services.registration), REGISTRATION));
  bot.use(
    createConversation(
      createKycConversation({ kyc: services.kyc, media: services.media, download, publisher, logger }),
      KYC,
    ),
  );
  bot.use(createConversation(createDeclineReasonConversation(decisions), DECLINE_REASON));
  bot.use(createConversation(createSettingsEditConversation(services.settings), SETTINGS_EDIT));
  bot.use(createConversation(createSetPriceConversation({ rates: services.rates, asset: services.asset }), SET_PRICE));
  const money = { services, download, publisher, logger };
  bot.use(createConversation(createBuyConversation(money), BUY));
  bot.use(createConversation(createSellConversation(money), SELL));
  bot.use(createConversation(createDepositConversation(money), DEPOSIT));
  bot.use(createConversation(createWithdrawConversation(money), WITHDRAW));

  bot.use(adminMenuFeature({ ...pending, settings: services.settings }));
  bot.use(startFeature());
  bot.use(kycFeature(services.kyc));
  bot.use(moneyFeature(services));
  bot.use(ratesFeature({ services, adminChatId: config.adminChatId }));
  bot.use(approvalsFeature({ ...decisions, admins: services.admins, adminChatId: config.adminChatId }));
  bot.use(pendingFeature(pending));
  bot.use(settingsFeature({ admins: services.admins, settings: services.settings, adminChatId: config.adminChatId }));
  bot.use(chatMemberFeature(services.users));
  bot.use(fallbackFeature());

  bot.catch((error) => logger.error({ err: error.error, update_id: error.ctx.update.update_id }, 'unhandled bot error'));
  return { bot, notifications };
}

/** Telegram's command menu: user commands for everyone, admin commands too in the admin chat and admins' chats. */
export async function registerCommands(api: Api, config: Pick<Config, 'adminChatId' | 'adminIds'>, logger: Logger): Promise<void> {
  const toBotCommand = ({ command, description }: { command: string; description: string }) => ({ command, description });
  const userCommands = COMMANDS.filter((entry) => !entry.adminOnly).map(toBotCommand);
  const adminCommands = COMMANDS.map(toBotCommand);
  await api.setMyCommands(userCommands);
  if (adminCommands.length === userCommands.length) return;
  for (const chatId of [config.adminChatId, ...config.adminIds]) {
    // An admin who never opened the bot has no chat yet; they get the admin menu after their next start.
    await api.setMyCommands(adminCommands, { scope: { type: 'chat', chat_id: chatId } }).catch((error: unknown) => {
      logger.warn({ err: error, chat_id: chatId }, 'could not set the admin command menu for a chat');
    });
  }
}

import type { ConversationBuilder } from '@grammyjs/conversations';
import type { Api, Composer, InlineKeyboard, MiddlewareFn } from 'grammy';
import type { Config } from '../config.ts';
import type { BotContext, ConversationContext } from '../context.ts';
import type { Job } from '../jobs/job.ts';
import type { Logger } from '../logger.ts';
import type { SettingField } from '../services/admin/settingFields.ts';
import type { ApprovalKind } from '../services/approvals/approvalKind.ts';
import type { ApprovalService } from '../services/approvals/approvals.ts';
import type { SharedServices } from '../services/index.ts';
import type { NotificationDelivery } from '../services/notifications/delivery.ts';
import type { HistoryService, HistorySource } from '../services/wallet/history.ts';
import type { PaymentService } from '../services/wallet/payments.ts';
import type { PaystackService } from '../services/paystack/paystack.ts';
import type { CardPublisher, CardView } from '../telegram/cards.ts';
import type { CommandInfo, CommandMenu } from '../telegram/commands.ts';
import type { FileDownloader } from '../telegram/files.ts';
import type { SafeHtml } from '../telegram/html.ts';

/** The shared services plus the registries built from every module: approvals and history. */
export interface Kernel extends SharedServices {
  approvals: ApprovalService;
  history: HistoryService;
  /** Buys and deposits the user pays outside the bot: reported paid, expired unreported, flagged when overdue. */
  payments: PaymentService;
  /** Paystack (instant mobile money), or null when PAYSTACK_SECRET_KEY is not set: the desk works as without it. */
  paystack: PaystackService | null;
}

/** What a module's Telegram side and jobs are given: its own services, the kernel, and the bot's tools. */
export interface ModuleDeps<S> {
  services: S;
  kernel: Kernel;
  config: Pick<Config, 'adminChatId' | 'adminIds'>;
  logger: Logger;
  /** Commands of every module: the main menu, /help, and handlers for a command with its buttons. */
  menu: CommandMenu;
  cards: CardPublisher;
  /** How each request kind is named in /history, from every module. */
  historyLabels: ReadonlyMap<string, string>;
  /** Every module's order lists, for /orders (filled once all modules are built). */
  orderLists(): readonly OrderList[];
  delivery: NotificationDelivery;
  download: FileDownloader;
}

export interface ConversationEntry {
  name: string;
  builder: ConversationBuilder<BotContext, ConversationContext>;
  /** The command that starts it again, named when it expires (default: a command of the same name). */
  restartCommand?: string;
  /**
   * It shows where to pay for a request it stores (buys, deposits): when it expires, the notice names the requests
   * awaiting payment, and a screenshot sent then reports the payment.
   */
  showsPayment?: true;
}

/** A page of one kind of a user's orders, for /orders (gift card trade-ins, market orders …). */
export interface OrderList {
  /** Short and unique, in callback data: `ord:<key>:<page>`. */
  key: string;
  /** Its button in /orders, e.g. "🎁 Gift cards". */
  label: string;
  /** The page's text and buttons; paging buttons use `orderPageData(key, page)` (features/wallet/ordersCommand.ts). */
  render(userId: number, page: number): Promise<{ text: SafeHtml; keyboard?: InlineKeyboard }>;
}

/** The Telegram side of a module: its conversations, its handlers (commands, buttons, menus), its order lists. */
export interface TelegramParts {
  conversations?: readonly ConversationEntry[];
  composer?: Composer<BotContext>;
  orderLists?: readonly OrderList[];
  /**
   * Runs for every update once the account is loaded, around everything after it (the expiry notice,
   * conversations, every handler): to observe updates, e.g. analytics. It must call `next` and never fail the update.
   */
  middleware?: MiddlewareFn<BotContext>;
}

/**
 * What a domain adds to the product. `src/modules.ts` lists the modules; createServices, createBot and main.ts
 * iterate that list, so a new domain is a folder per layer plus one line there.
 */
export interface BotModule<Name extends string = string, S = unknown> {
  /** The domain word, the folder name in every layer (features/, scenes/, services/). */
  readonly name: Name;
  /** Builds the domain's services; they appear as `services.<name>` (tests, jobs and benchmarks call them). */
  services?(shared: SharedServices): S;
  /** Commands with their menu entries; the handlers are registered by `telegram` through `deps.menu.handle`. */
  commands?: readonly CommandInfo[];
  /** Request kinds admins decide with approval cards: the rules here, the wording in `cardViews`. */
  approvalKinds?(shared: SharedServices): readonly ApprovalKind[];
  cardViews?: readonly CardView<unknown>[];
  /** The domain's rows in every user's /history, and how each of its kinds is named there. */
  history?: { sources: readonly HistorySource[]; labels: Readonly<Record<string, string>> };
  /** Settings the domain adds to the /settings editor (and its columns, by migration). */
  settingFields?: readonly SettingField[];
  /** Runs at every start, after migrations and before updates are taken: e.g. starter content, idempotently. */
  onStart?(services: S, shared: SharedServices): Promise<void>;
  /** Runs at shutdown once updates and jobs have stopped, before the pool closes: e.g. writing what is buffered. */
  onStop?(services: S): Promise<void>;
  telegram?(deps: ModuleDeps<S>): TelegramParts;
  /** Cron jobs, scheduled by main.ts (src/jobs/scheduler.ts); their `api` is the paced bulk lane. */
  jobs?(deps: ModuleDeps<S> & { api: Api }): readonly Job[];
}

/** Keeps a module's name and service type for the typed `services.<name>` map. */
export function defineModule<const Name extends string, S = undefined>(module: BotModule<Name, S>): BotModule<Name, S> {
  return module;
}

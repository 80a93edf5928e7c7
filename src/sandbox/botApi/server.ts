import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, BotCommandScope, Chat, Update, UserFromGetMe } from 'grammy/types';
import { allBotText } from './botText.ts';
import type { StoredFile } from './files.ts';
import type { RateLimits } from './rateLimits.ts';
import { BotApiRequests } from './requests.ts';
import { loadSchema } from './schema.ts';
import type {
  AddGroupOptions,
  ApiCall,
  ApiErrorBody,
  CallbackAnswer,
  ChatMessage,
  CreateUserOptions,
  MessageMatcher,
  WaitOptions,
} from './types.ts';
import { SimulatedUser } from './user.ts';
import { BotWaits } from './waiting.ts';
import { WebhookDelivery, type WebhookDeliveryOptions } from './webhook.ts';
import { World } from './world.ts';

export interface StartOptions {
  /** Default '123456:TEST-TOKEN'; the bot id is the number before the colon. */
  token?: string;
  /** Default 'test_bot'. */
  botUsername?: string;
  /** The bot's first name, shown as the sender in groups; default 'Test Bot'. */
  botName?: string;
  /** Listen on this port (e.g. one a bot was told to use before the server existed); default any free one. */
  port?: number;
  /** Answer 429 with retry_after, as Telegram does, to calls over these limits; default no limits. */
  rateLimits?: RateLimits;
}

/**
 * A fake Telegram Bot API server on 127.0.0.1, as strict as Telegram about what the bot sends, plus a
 * test-facing API to act as users and to read what the bot did. Point grammY at it with
 * `new Bot(tg.token, { client: { apiRoot: tg.apiRoot } })`.
 */
export class FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly #server: Server;
  readonly #world: World;
  readonly #requests: BotApiRequests;
  readonly #waits: BotWaits;

  private constructor(server: Server, world: World, limits: RateLimits | undefined) {
    const address = server.address() as AddressInfo;
    this.#server = server;
    this.#world = world;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
    this.#requests = new BotApiRequests(this.apiRoot, world, limits);
    this.#waits = new BotWaits(world, this);
    this.token = world.token;
    this.botInfo = world.botInfo;
  }

  static async start(options: StartOptions = {}): Promise<FakeTelegram> {
    loadSchema();
    const world = new World(options.token ?? '123456:TEST-TOKEN', options.botUsername ?? 'test_bot', options.botName ?? 'Test Bot');
    // The handler needs the instance, which needs the listening server's port.
    const holder: { instance?: FakeTelegram } = {};
    const server = createServer((req, res) => {
      if (!holder.instance) {
        res.writeHead(503).end();
        return;
      }
      void holder.instance.#requests.handle(req, res);
    });
    // As a web server in front of the real API: idle connections stay open long enough to be used again (Node's agent
    // drops a connection a second before the timeout the server announces).
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    holder.instance = new FakeTelegram(server, world, options.rateLimits);
    return holder.instance;
  }

  /** Ends pending long polls and closes the server (and its keep-alive connections). */
  async stop(): Promise<void> {
    if (this.#requests.closing) return;
    this.#requests.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // ===== test setup ===========================================================================

  /** A Telegram user the test acts as. The private chat id equals `user.id`. */
  createUser(options: CreateUserOptions): SimulatedUser {
    return new SimulatedUser(this.#world, this.#world.addUser(options));
  }

  /** Declares a group (negative id; -100… for supergroups) with its members. */
  addGroup(options: AddGroupOptions): Chat.GroupChat | Chat.SupergroupChat {
    return this.#world.addGroup(options);
  }

  /** Someone joins a declared group. */
  joinGroup(groupId: number, user: { id: number }): void {
    const group = this.#world.group(groupId);
    if (!group) throw new Error(`joinGroup: group ${groupId} does not exist`);
    group.members.add(user.id);
  }

  /** Private chat id of a user (Telegram uses the user id). */
  privateChat(user: { id: number }): number {
    return user.id;
  }

  /** The user blocks the bot: sends to them fail with 403 "bot was blocked by the user". */
  blockBot(userId: number): void {
    this.#world.setBlocked(userId, true);
  }

  unblockBot(userId: number): void {
    this.#world.setBlocked(userId, false);
  }

  /**
   * The next `times` calls of `method` fail with this error instead of being processed, e.g.
   * `{ error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }`;
   * with `chatId`, only calls for that chat.
   */
  failNext(
    method: string,
    error: ApiErrorBody = { error_code: 500, description: 'Internal Server Error' },
    options: { times?: number; chatId?: number } = {},
  ): void {
    this.#requests.failNext(method, error, options);
  }

  /**
   * Calls of `method` get no answer from now on, as from an endpoint that hangs, until the returned function
   * lets them (and later ones) through. A held call the bot gives up on is dropped.
   */
  hold(method: string): () => void {
    return this.#requests.hold(method);
  }

  /** Calls of `method` waiting on a hold right now. */
  heldCalls(method: string): number {
    return this.#requests.heldCalls(method);
  }


  /** Queues a raw update (anything the user helpers do not cover). */
  enqueueUpdate(update: Omit<Update, 'update_id'>): Update | undefined {
    return this.#world.pushUpdate(update);
  }

  // ===== reading what the bot did =============================================================

  /** Every message the bot sent in that chat, in order, current state (deleted ones flagged). */
  messages(chatId: number): ChatMessage[] {
    return this.#world.messagesIn(chatId).filter((m) => m.byBot);
  }

  /** Everything in that chat, the bot's messages and the users', in order (deleted ones flagged). */
  chatMessages(chatId: number): ChatMessage[] {
    return [...this.#world.messagesIn(chatId)];
  }

  /** Whether Telegram handed a user's message to the bot (privacy mode in groups keeps most from it). */
  botReceives(message: ChatMessage): boolean {
    const record = this.#world.findMessage(message.chat_id, message.message_id);
    return record !== undefined && this.#world.botReceives(record);
  }

  /** Calls `listener` after every change in the world (messages, edits, API calls); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.#world.subscribe(listener);
  }

  /** Messages test users sent in that chat. */
  userMessages(chatId: number): ChatMessage[] {
    return this.#world.messagesIn(chatId).filter((m) => !m.byBot);
  }

  /** The latest bot message in that chat that is not deleted. */
  lastMessage(chatId: number): ChatMessage | undefined {
    return this.messages(chatId).filter((m) => !m.deleted).at(-1);
  }

  message(chatId: number, messageId: number): ChatMessage | undefined {
    return this.#world.findMessage(chatId, messageId);
  }

  /**
   * Resolves with the first bot message in the chat newer than the chat's read cursor whose text or
   * caption (any version) matches, and moves the cursor past it. User actions never move the cursor.
   */
  waitForMessage(chatId: number, matcher: MessageMatcher = () => true, options: WaitOptions = {}): Promise<ChatMessage> {
    return this.#waits.waitForMessage(chatId, matcher, options);
  }

  /** Marks everything the bot sent so far in the chat as read for waitForMessage. */
  markRead(chatId: number): void {
    this.#waits.markRead(chatId);
  }

  /** Waits until the message's current text/caption matches (edits in place). */
  waitForEdit(chatId: number, messageId: number, matcher: MessageMatcher, options: WaitOptions = {}): Promise<ChatMessage> {
    return this.#waits.waitForEdit(chatId, messageId, matcher, options);
  }

  /**
   * Resolves once the bot is idle: no request in progress, every update fetched and confirmed, and no
   * API call for `ms` milliseconds. Fails after `options.timeout` (default 10 s). A handler that
   * waits longer than `ms` between two API calls (slow I/O) needs a larger `ms`.
   */
  settle(ms = 150, options: WaitOptions = {}): Promise<void> {
    return this.#waits.settle(ms, options);
  }

  /** Every text the bot produced anywhere: texts and captions (all versions), callback answers, commands. */
  allBotText(): string {
    return allBotText(this.#world);
  }

  /** The bot's answer to a callback query, if it answered. */
  callbackAnswer(queryId: string): CallbackAnswer | undefined {
    return this.#world.callbackAnswers.get(queryId);
  }

  /** Commands set with setMyCommands for that scope and language (default scope if omitted). */
  commands(scope: BotCommandScope = { type: 'default' }, languageCode = ''): BotCommand[] {
    return (this.#world.commands.get(`${JSON.stringify(scope)}|${languageCode}`) as BotCommand[] | undefined) ?? [];
  }

  /** Bytes of a stored file (anything users or the bot sent). */
  fileBytes(fileId: string): Buffer {
    const file = this.#world.files.get(fileId);
    if (!file) throw new Error(`unknown file_id ${fileId}`);
    return file.bytes;
  }

  /** A stored file with its kind and MIME type, if the file_id exists. */
  storedFile(fileId: string): Readonly<StoredFile> | undefined {
    return this.#world.files.get(fileId);
  }

  /** Bytes of the largest size of a photo message, or of a document message. */
  mediaBytes(message: ChatMessage): Buffer {
    const fileId = message.photo?.at(-1)?.file_id ?? message.document?.file_id;
    if (!fileId) throw new Error(`message ${message.message_id} has no photo or document`);
    return this.fileBytes(fileId);
  }

  /** Calls `listener` with every API call once it is answered; returns the unsubscribe. */
  onCall(listener: (call: ApiCall) => void): () => void {
    return this.#world.onCall(listener);
  }

  /** Every call the bot made, in order of completion. */
  get calls(): readonly ApiCall[] {
    return this.#world.calls;
  }

  /** Calls answered with an error because of the bot (injected faults and superseded polls excluded). */
  get rejectedCalls(): ApiCall[] {
    return this.#world.calls.filter((c) => !c.ok && !c.injected && !c.superseded);
  }

  /** Calls answered 429 because they went over the `rateLimits` the fake was started with. */
  get rateLimitedCalls(): ApiCall[] {
    return this.#world.calls.filter((c) => c.rateLimited);
  }

  callsTo(method: string): ApiCall[] {
    return this.#world.calls.filter((c) => c.method === method);
  }

  /** Webhook registered with setWebhook, if any. */
  get webhook(): { url: string; allowed_updates?: string[]; max_connections?: number; has_secret: boolean } | undefined {
    return this.#world.webhook;
  }

  /**
   * Delivers updates to the webhook as Telegram does, through a load balancer that sends each to the next of
   * `targets` (the bot instances); from now on, and for updates already queued once a webhook is set.
   */
  deliverWebhook(options: WebhookDeliveryOptions): WebhookDelivery {
    const delivery = new WebhookDelivery(this.#world, options);
    this.#world.webhookDelivery = delivery;
    delivery.pump();
    return delivery;
  }

  /** Updates not yet confirmed by the bot. */
  get pendingUpdates(): readonly Update[] {
    return this.#world.updates.pending;
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, BotCommandScope, Chat, Update, UserFromGetMe } from 'grammy/types';
import { ApiError } from './errors.ts';
import type { StoredFile } from './files.ts';
import { parseApiRequest } from './http.ts';
import { getUpdatesOptions, methods } from './methods.ts';
import { RateLimiter, type RateLimits } from './rateLimits.ts';
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
import { validateParams } from './validation.ts';
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

const DEFAULT_TIMEOUT = 5000;

function versionsOf(message: ChatMessage): string[] {
  const states = [...message.history, message];
  return states.flatMap((s) => [s.text, s.caption].filter((t): t is string => t !== undefined));
}

function matches(message: ChatMessage, matcher: MessageMatcher, allVersions: boolean): boolean {
  if (typeof matcher === 'function') return matcher(message);
  const texts = allVersions ? versionsOf(message) : [message.text ?? message.caption ?? ''];
  return texts.some((text) => (typeof matcher === 'string' ? text.includes(matcher) : matcher.test(text)));
}

function describeMatcher(matcher: MessageMatcher): string {
  return typeof matcher === 'function' ? 'a message matching the predicate' : `a message matching ${typeof matcher === 'string' ? JSON.stringify(matcher) : String(matcher)}`;
}

function summary(message: ChatMessage): string {
  const body = message.text ?? (message.caption !== undefined ? `[${message.photo ? 'photo' : 'file'}] ${message.caption}` : message.photo ? '[photo]' : message.document ? '[document]' : '[no text]');
  const flags = [message.deleted ? 'deleted' : '', message.history.length ? `edited ${message.history.length}x` : ''].filter(Boolean).join(', ');
  return `  #${message.message_id}${flags ? ` (${flags})` : ''}: ${JSON.stringify(body.length > 300 ? body.slice(0, 300) + '…' : body)}`;
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
  readonly #limiter: RateLimiter | undefined;
  readonly #faults = new Map<string, { error: ApiErrorBody; chatId: number | undefined }[]>();
  /** method -> resolves when the test lets its held calls through */
  readonly #holds = new Map<string, { released: Promise<void>; waiting: number }>();
  /** chat id -> highest message_id already consumed by waitForMessage */
  readonly #cursors = new Map<number, number>();
  #closing = false;

  private constructor(server: Server, world: World, limits: RateLimits | undefined) {
    const address = server.address() as AddressInfo;
    this.#server = server;
    this.#world = world;
    this.#limiter = limits ? new RateLimiter(limits) : undefined;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
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
      void holder.instance.#handle(req, res);
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
    if (this.#closing) return;
    this.#closing = true;
    this.#world.updates.release();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // ===== HTTP =================================================================================

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.#serveFile(res, decodeURIComponent(file[1] ?? ''), decodeURIComponent(file[2] ?? ''));
    const api = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (!api) return this.#reply(res, { ok: false, error_code: 404, description: 'Not Found' });
    const time = Date.now();
    this.#world.lastCallTime = time;
    const requested = api[2] ?? '';
    const method = loadSchema().methodsByLowerName.get(requested.toLowerCase()) ?? requested;
    const isPoll = method === 'getUpdates';
    if (!isPoll) this.#world.inFlight += 1;
    const call: ApiCall = { method, params: {}, time, ok: false };
    try {
      const { params, files } = await parseApiRequest(req, url);
      call.params = { ...params };
      for (const [name, upload] of files) call.params[name] = { file: upload.filename ?? name, bytes: upload.bytes.length };
      if (decodeURIComponent(api[1] ?? '') !== this.token) throw new ApiError(401, 'Unauthorized');
      if (!loadSchema().methods.has(method)) throw new ApiError(404, 'Not Found: method not found');
      const faults = this.#faults.get(method) ?? [];
      const faultIndex = faults.findIndex((fault) => fault.chatId === undefined || String(fault.chatId) === String(params.chat_id));
      const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0]?.error : undefined;
      if (fault) {
        call.injected = true;
        throw new ApiError(fault.error_code, fault.description, fault.parameters);
      }
      const retryAfter = this.#limiter && RateLimiter.counts(method, params) ? this.#limiter.admit(String(params['chat_id']), time) : undefined;
      if (retryAfter !== undefined) {
        call.rateLimited = true;
        throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
      const hold = this.#holds.get(method);
      if (hold) {
        call.injected = true;
        hold.waiting += 1;
        const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        await Promise.race([hold.released, closed]).finally(() => (hold.waiting -= 1));
        if (res.destroyed) return;
      }
      const validated = validateParams(method, params, files);
      let result: unknown;
      if (isPoll) {
        result = await this.#getUpdates(validated, res);
      } else {
        const handler = methods[method];
        if (!handler) call.fallback = true;
        result = handler ? await handler(this.#world, validated, files) : true;
      }
      call.ok = true;
      call.result = result;
      this.#reply(res, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) {
        // A bug in the fake itself: answer 500 and keep the details visible in the call log.
        call.error = { error_code: 500, description: `Internal Server Error (fake Telegram): ${String(error)}` };
        this.#reply(res, { ok: false, ...call.error });
      } else {
        call.error = {
          error_code: error.errorCode,
          description: error.description,
          ...(error.parameters ? { parameters: error.parameters } : {}),
        };
        if (isPoll && error.errorCode === 409 && error.description.startsWith('Conflict: terminated')) call.superseded = true;
        this.#reply(res, { ok: false, ...call.error });
      }
    } finally {
      if (!isPoll) this.#world.inFlight -= 1;
      this.#world.lastCallTime = Date.now();
      this.#world.recordCall(call);
    }
  }

  async #getUpdates(params: Record<string, unknown>, res: ServerResponse): Promise<Update[]> {
    if (this.#world.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    this.#world.updates.setAllowedUpdates(params['allowed_updates']);
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const timeout = this.#closing ? 0 : getUpdatesOptions(params).timeout;
    const updates = await this.#world.updates.poll({ ...getUpdatesOptions(params), timeout, closed });
    this.#world.changed();
    return updates;
  }

  #serveFile(res: ServerResponse, token: string, filePath: string): void {
    if (token !== this.token) return this.#reply(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = this.#world.files.byPath(filePath);
    if (!file) return this.#reply(res, { ok: false, error_code: 404, description: 'Not Found: file not found' });
    res.writeHead(200, { 'content-type': file.mime_type ?? (file.kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'), 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  #reply(res: ServerResponse, body: { ok: boolean; result?: unknown; error_code?: number; description?: string }): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(body.ok ? 200 : (body.error_code ?? 500), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
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
    const queue = this.#faults.get(method) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) queue.push({ error, chatId: options.chatId });
    this.#faults.set(method, queue);
  }

  /**
   * Calls of `method` get no answer from now on, as from an endpoint that hangs, until the returned function
   * lets them (and later ones) through. A held call the bot gives up on is dropped.
   */
  hold(method: string): () => void {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.set(method, { released, waiting: 0 });
    return () => {
      this.#holds.delete(method);
      release();
    };
  }

  /** Calls of `method` waiting on a hold right now. */
  heldCalls(method: string): number {
    return this.#holds.get(method)?.waiting ?? 0;
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
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    return this.#world
      .waitFor(
        () => {
          const cursor = this.#cursors.get(chatId) ?? 0;
          return this.messages(chatId).find((m) => m.message_id > cursor && matches(m, matcher, true));
        },
        timeout,
        () => this.#timeoutError(`${describeMatcher(matcher)} in chat ${chatId}`, chatId, timeout),
      )
      .then((message) => {
        this.#cursors.set(chatId, message.message_id);
        return message;
      });
  }

  /** Marks everything the bot sent so far in the chat as read for waitForMessage. */
  markRead(chatId: number): void {
    this.#cursors.set(chatId, this.messages(chatId).at(-1)?.message_id ?? 0);
  }

  /** Waits until the message's current text/caption matches (edits in place). */
  waitForEdit(chatId: number, messageId: number, matcher: MessageMatcher, options: WaitOptions = {}): Promise<ChatMessage> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    return this.#world.waitFor(
      () => {
        const message = this.#world.findMessage(chatId, messageId);
        return message && matches(message, matcher, false) ? message : undefined;
      },
      timeout,
      () => this.#timeoutError(`message ${messageId} to become ${describeMatcher(matcher)}`, chatId, timeout),
    );
  }

  /**
   * Resolves once the bot is idle: no request in progress, every update fetched and confirmed, and no
   * API call for `ms` milliseconds. Fails after `options.timeout` (default 10 s). A handler that
   * waits longer than `ms` between two API calls (slow I/O) needs a larger `ms`.
   */
  async settle(ms = 150, options: WaitOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.timeout ?? 10_000);
    for (;;) {
      const world = this.#world;
      const idleFor = Date.now() - world.lastCallTime;
      // Without a webhook, queued updates mean the bot has not fetched and confirmed them yet.
      const busy = world.inFlight > 0 || (!world.webhook && world.updates.pending.length > 0);
      if (!busy && idleFor >= ms) return;
      if (Date.now() > deadline) {
        throw new Error(
          `settle: the bot is still busy after ${options.timeout ?? 10_000} ms: ${world.inFlight} request(s) in progress, ` +
            `${world.updates.pending.length} update(s) not yet fetched and confirmed (is the bot polling?)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, busy ? 10 : ms - idleFor));
    }
  }

  /** Every text the bot produced anywhere: texts and captions (all versions), callback answers, commands. */
  allBotText(): string {
    const parts: string[] = [];
    for (const message of this.#world.allMessages()) {
      if (!message.byBot) continue;
      for (const state of [...message.history, message]) {
        parts.push(...[state.text, state.html, state.caption, state.captionHtml].filter((t): t is string => t !== undefined));
        const markup = state.reply_markup;
        if (markup && 'inline_keyboard' in markup) parts.push(...markup.inline_keyboard.flat().map((b) => b.text));
        if (markup && 'keyboard' in markup) parts.push(...markup.keyboard.flat().map((b) => (typeof b === 'string' ? b : b.text)));
      }
      if (message.document?.file_name) parts.push(message.document.file_name);
    }
    for (const answer of this.#world.callbackAnswers.values()) if (answer.text !== undefined) parts.push(answer.text);
    for (const list of this.#world.commands.values()) {
      for (const command of list as BotCommand[]) parts.push(`/${command.command} ${command.description}`);
    }
    return parts.join('\n');
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

  #timeoutError(what: string, chatId: number, timeout: number): Error {
    const recent = this.messages(chatId).slice(-10).map(summary);
    const cursor = this.#cursors.get(chatId) ?? 0;
    const rejected = this.rejectedCalls.slice(-5).map((c) => `  ${c.method}: ${c.error?.description ?? ''}`);
    return new Error(
      [
        `Timed out after ${timeout} ms waiting for ${what}.`,
        `Recent bot messages in chat ${chatId} (read cursor at #${cursor}):`,
        ...(recent.length ? recent : ['  (none)']),
        ...(rejected.length ? ['Recent rejected API calls:', ...rejected] : []),
      ].join('\n'),
    );
  }
}


import { createHash } from 'node:crypto';
import type { Chat, Message, Update, User, UserFromGetMe } from 'grammy/types';
import { WorldChanges } from './changes.ts';
import { badRequest, forbidden } from './errors.ts';
import { FileStore } from './files.ts';
import { now, type CallbackQueryState, type GroupState, type MessageContent, type MessageRecord, type UserState } from './records.ts';
import { UpdateQueue, type NewUpdate } from './updates.ts';
import type { AddGroupOptions, CallbackAnswer, CreateUserOptions, FakeChat } from './types.ts';

/**
 * Everything the fake Telegram knows: users, chats, messages, files, updates, call log. Shared by the
 * HTTP method handlers (bot side) and the SimulatedUser helpers (user side).
 */
export class World extends WorldChanges {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly files = new FileStore();
  readonly updates = new UpdateQueue();
  readonly callbackQueries = new Map<string, CallbackQueryState>();
  readonly callbackAnswers = new Map<string, CallbackAnswer>();
  /** setMyCommands per `${JSON scope}|${language_code}` */
  readonly commands = new Map<string, unknown[]>();
  webhook: { url: string; allowed_updates?: string[]; max_connections?: number; has_secret: boolean } | undefined;
  /** The secret_token of setWebhook, sent with every webhook delivery. */
  webhookSecret: string | undefined;
  /** Set by FakeTelegram.deliverWebhook: sends queued updates to the bot's webhook. */
  webhookDelivery: { pump(): void } | undefined;
  /** Requests being processed right now, long polls excluded (settle() waits for them). */
  inFlight = 0;
  lastCallTime = 0;
  /** When someone last wrote in a chat (a message, a tap): Telegram's limits tell answers from bulk by it. */
  readonly #wroteAt = new Map<number, number>();
  #users = new Map<number, UserState>();
  #groups = new Map<number, GroupState>();
  #messages = new Map<number, MessageRecord[]>();
  #nextMessageId = new Map<number, number>();
  #callbackCounter = 0;

  constructor(token: string, botUsername: string, botName: string) {
    super();
    this.token = token;
    const id = Number(token.split(':')[0]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`token must look like "<bot id>:<secret>", got ${token}`);
    this.botInfo = {
      id,
      is_bot: true,
      first_name: botName,
      username: botUsername,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  get botUser(): User {
    const { id, is_bot, first_name, username } = this.botInfo;
    return { id, is_bot, first_name, username };
  }

  // --- users and chats -----------------------------------------------------------------------

  addUser(options: CreateUserOptions): UserState {
    let id = options.id ?? 1_000_001;
    if (options.id === undefined) while (this.#users.has(id)) id++;
    if (id <= 0) throw new Error('user ids are positive');
    if (this.#users.has(id) || id === this.botInfo.id) throw new Error(`user ${id} already exists`);
    const user: User = { id, is_bot: false, first_name: options.first_name };
    if (options.last_name !== undefined) user.last_name = options.last_name;
    if (options.username !== undefined) user.username = options.username;
    if (options.language_code !== undefined) user.language_code = options.language_code;
    const state: UserState = {
      user,
      phone_number: options.phone_number ?? `+23320${String(id).padStart(7, '0').slice(-7)}`,
      startedBot: options.startedBot ?? true,
      blocked: false,
    };
    this.#users.set(id, state);
    return state;
  }

  userState(id: number): UserState | undefined {
    return this.#users.get(id);
  }

  addGroup(options: AddGroupOptions): Chat.GroupChat | Chat.SupergroupChat {
    if (options.id >= 0) throw new Error('group ids are negative (supergroups look like -100…)');
    if (this.#groups.has(options.id)) throw new Error(`group ${options.id} already exists`);
    const chat: Chat.GroupChat | Chat.SupergroupChat = String(options.id).startsWith('-100')
      ? options.username !== undefined
        ? { id: options.id, type: 'supergroup', title: options.title, username: options.username }
        : { id: options.id, type: 'supergroup', title: options.title }
      : { id: options.id, type: 'group', title: options.title };
    const admins = new Set((options.admins ?? []).map((u) => u.id));
    const members = new Set([...(options.members ?? []).map((u) => u.id), ...admins]);
    this.#groups.set(options.id, { chat, members, admins, botIsAdmin: options.botIsAdmin ?? false });
    return chat;
  }

  group(id: number): GroupState | undefined {
    return this.#groups.get(id);
  }

  chatById(id: number): FakeChat | undefined {
    const group = this.#groups.get(id);
    if (group) return group.chat;
    const user = this.#users.get(id)?.user;
    if (!user) return undefined;
    const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    return chat;
  }

  /** chat_id parameter -> known chat; Telegram answers "chat not found" for anything else. */
  resolveChat(value: unknown): FakeChat {
    let id: number | undefined;
    if (typeof value === 'number') id = value;
    else if (typeof value === 'string' && value.startsWith('@')) {
      id = [...this.#groups.values()].find((g) => g.chat.username?.toLowerCase() === value.slice(1).toLowerCase())?.chat.id;
    }
    const chat = id === undefined ? undefined : this.chatById(id);
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  /** The chat the bot wants to act in, enforcing blocks and "user never started the bot". */
  chatForBot(value: unknown): FakeChat {
    const chat = this.resolveChat(value);
    if (chat.type === 'private') {
      const state = this.#users.get(chat.id);
      if (state?.blocked) throw forbidden('bot was blocked by the user');
      if (!state?.startedBot) throw forbidden("bot can't initiate conversation with a user");
    }
    return chat;
  }

  setBlocked(userId: number, blocked: boolean): void {
    const state = this.#users.get(userId);
    if (!state) throw new Error(`unknown user ${userId}`);
    if (state.blocked === blocked) return;
    state.blocked = blocked;
    const chat = this.chatById(userId);
    if (!chat) return;
    // Telegram tells the bot through a my_chat_member update.
    const member = { status: 'member' as const, user: this.botUser };
    const kicked = { status: 'kicked' as const, user: this.botUser, until_date: 0 };
    this.pushUpdate({
      my_chat_member: {
        chat,
        from: state.user,
        date: now(),
        old_chat_member: blocked ? member : kicked,
        new_chat_member: blocked ? kicked : member,
      },
    });
  }

  /**
   * Whether Telegram gives the bot a message a user wrote in a chat. In groups, privacy mode (the default for
   * bots that are not group admins) lets through only commands (to all bots, or @this bot), replies to the
   * bot's own messages, and messages that mention the bot.
   */
  botReceives(record: MessageRecord): boolean {
    const group = this.#groups.get(record.chat_id);
    if (!group || group.botIsAdmin) return true;
    const text = record.text ?? record.caption ?? '';
    const entities = record.entities ?? record.caption_entities ?? [];
    const botName = this.botInfo.username.toLowerCase();
    const entityText = (entity: { offset: number; length: number }) => text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    const command = entities.some((entity) => {
      if (entity.type !== 'bot_command' || entity.offset !== 0) return false;
      const addressee = entityText(entity).split('@')[1];
      return addressee === undefined || addressee === botName;
    });
    const mention = entities.some((entity) => entity.type === 'mention' && entityText(entity) === `@${botName}`);
    const replied = record.reply_to_message_id === undefined ? undefined : this.findMessage(record.chat_id, record.reply_to_message_id);
    return command || mention || Boolean(replied?.byBot);
  }

  // --- messages ------------------------------------------------------------------------------

  messagesIn(chatId: number): MessageRecord[] {
    let list = this.#messages.get(chatId);
    if (!list) {
      list = [];
      this.#messages.set(chatId, list);
    }
    return list;
  }

  allMessages(): MessageRecord[] {
    return [...this.#messages.values()].flat();
  }

  findMessage(chatId: number, messageId: number): MessageRecord | undefined {
    return this.#messages.get(chatId)?.find((m) => m.message_id === messageId);
  }

  /** Message ids are per chat and shared by the bot's and the users' messages, as in Telegram. */
  addMessage(chat: FakeChat, from: User, content: MessageContent): MessageRecord {
    const messageId = this.#nextMessageId.get(chat.id) ?? 1;
    this.#nextMessageId.set(chat.id, messageId + 1);
    const record: MessageRecord = {
      ...content,
      message_id: messageId,
      chat,
      chat_id: chat.id,
      from,
      byBot: from.id === this.botInfo.id,
      date: now(),
      deleted: false,
      history: [],
    };
    this.messagesIn(chat.id).push(record);
    this.changed();
    return record;
  }

  /** The Message object Telegram would send/return for a stored message in its current state. */
  toMessage(record: MessageRecord, includeReply = true): Message & Update.NonChannel {
    const message: Message & Update.NonChannel = {
      message_id: record.message_id,
      from: record.from,
      chat: record.chat,
      date: record.date,
    };
    if (record.edit_date !== undefined) message.edit_date = record.edit_date;
    if (record.text !== undefined) message.text = record.text;
    if (record.entities?.length) message.entities = record.entities;
    if (record.caption !== undefined && record.caption !== '') message.caption = record.caption;
    if (record.caption_entities?.length) message.caption_entities = record.caption_entities;
    if (record.photo) message.photo = record.photo;
    if (record.document) message.document = record.document;
    if (record.contact) message.contact = record.contact;
    if (record.media_group_id !== undefined) message.media_group_id = record.media_group_id;
    // Only inline keyboards are part of a Message; reply keyboards live on the client.
    if (record.reply_markup && 'inline_keyboard' in record.reply_markup) message.reply_markup = record.reply_markup;
    if (record.forwarded_from) {
      const source = this.findMessage(record.forwarded_from.chat_id, record.forwarded_from.message_id);
      if (source) message.forward_origin = { type: 'user', sender_user: source.from, date: source.date };
    }
    if (includeReply && record.reply_to_message_id !== undefined) {
      const replied = this.findMessage(record.chat_id, record.reply_to_message_id);
      if (replied && !replied.deleted) message.reply_to_message = { ...this.toMessage(replied, false), reply_to_message: undefined };
    }
    return message;
  }

  // --- updates -------------------------------------------------------------------------------

  wroteAt(chatId: number): number | undefined {
    return this.#wroteAt.get(chatId);
  }

  pushUpdate(update: NewUpdate): Update | undefined {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    if (chatId !== undefined) this.#wroteAt.set(chatId, Date.now());
    const pushed = this.updates.push(update);
    this.webhookDelivery?.pump();
    this.changed();
    return pushed;
  }

  newCallbackQueryId(userId: number): string {
    this.#callbackCounter += 1;
    return (BigInt(userId) * 4_294_967_296n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(this.#callbackCounter)).toString();
  }

  /** Stable per chat, opaque, like Telegram's chat_instance. */
  chatInstance(chatId: number): string {
    return BigInt.asIntN(64, BigInt('0x' + createHash('sha256').update(`${this.botInfo.id}:${chatId}`).digest('hex').slice(0, 16))).toString();
  }
}

import type { Contact, InlineKeyboardButton, KeyboardButton, Message, ReplyKeyboardMarkup, User } from 'grammy/types';
import { ApiError } from './errors.ts';
import { detectEntities } from './formatting.ts';
import type { ButtonMatcher, CallbackAnswer, ChatMessage, FakeChat, WaitOptions } from './types.ts';
import type { MessageContent, UserState } from './records.ts';
import type { World } from './world.ts';

export interface UserSendOptions {
  /** Chat to write in; default: the user's private chat with the bot. */
  chatId?: number;
  /** Reply to this message (id or message). */
  replyTo?: number | ChatMessage | Message;
}

export type MessageRef = ChatMessage | Message | number;

function buttonMatches(button: InlineKeyboardButton, matcher: ButtonMatcher): boolean {
  if (typeof matcher === 'string') return button.text === matcher;
  if (matcher instanceof RegExp) return matcher.test(button.text);
  return matcher(button);
}

function describeMatcher(matcher: ButtonMatcher): string {
  return typeof matcher === 'function' ? 'matching the predicate' : JSON.stringify(String(matcher));
}

/** A Telegram user driven by a test or the sandbox page: everything they do becomes an update for the bot. */
export class SimulatedUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name: string | undefined;
  readonly username: string | undefined;
  readonly language_code: string | undefined;
  /** Shared by sendContact() and request_contact keyboard buttons. */
  readonly phone_number: string;
  readonly #world: World;
  readonly #state: UserState;

  constructor(world: World, state: UserState) {
    this.#world = world;
    this.#state = state;
    this.id = state.user.id;
    this.first_name = state.user.first_name;
    this.last_name = state.user.last_name;
    this.username = state.user.username;
    this.language_code = state.user.language_code;
    this.phone_number = state.phone_number;
  }

  /** The Bot API User object of this user. */
  get user(): User {
    return { ...this.#state.user };
  }
  /** Id of the private chat with the bot (equals the user id). */
  get chatId(): number {
    return this.id;
  }
  get hasBlockedBot(): boolean {
    return this.#state.blocked;
  }

  /** Sends a text message. `/command` and `/command@bot` get bot_command entities like in Telegram. */
  async send(text: string, options: UserSendOptions = {}): Promise<Message> {
    const trimmed = text.trim();
    if (trimmed === '') throw new Error('Telegram clients do not send empty messages');
    if ([...trimmed].length > 4096) throw new Error('Telegram clients split texts longer than 4096 characters');
    const entities = detectEntities(trimmed);
    return this.#post(options, { text: trimmed, html: trimmed, ...(entities.length ? { entities } : {}) });
  }

  /** Shares a contact; by default the user's own (user_id set, as with a request_contact button). */
  async sendContact(contact: Partial<Contact> = {}, options: UserSendOptions = {}): Promise<Message> {
    const full: Contact = {
      phone_number: contact.phone_number ?? this.phone_number,
      first_name: contact.first_name ?? this.first_name,
    };
    const lastName = 'last_name' in contact ? contact.last_name : this.last_name;
    if (lastName !== undefined) full.last_name = lastName;
    const userId = 'user_id' in contact ? contact.user_id : this.id;
    if (userId !== undefined) full.user_id = userId;
    if (contact.vcard !== undefined) full.vcard = contact.vcard;
    return this.#post(options, { contact: full });
  }

  /** Sends a photo: stored with real JPEG thumbnails, the original bytes as the largest size. */
  async sendPhoto(bytes: Buffer | Uint8Array, options: UserSendOptions & { caption?: string } = {}): Promise<Message> {
    const photo = await this.#world.files.storePhoto(Buffer.from(bytes)).catch((error: unknown) => {
      throw new Error(`sendPhoto: ${error instanceof ApiError ? error.description : String(error)}`, { cause: error });
    });
    return this.#post(options, { photo, ...this.#caption(options.caption) });
  }

  async sendDocument(
    bytes: Buffer | Uint8Array,
    options: UserSendOptions & { file_name: string; mime_type?: string; caption?: string },
  ): Promise<Message> {
    const document = this.#world.files.storeDocument(Buffer.from(bytes), options.file_name, options.mime_type);
    return this.#post(options, { document, ...this.#caption(options.caption) });
  }

  /**
   * Taps an inline button of a bot message (its current version, after edits) and returns the
   * callback query id. The bot must answer it; see answerOf().
   */
  async tap(message: MessageRef, button: ButtonMatcher, options: { chatId?: number } = {}): Promise<string> {
    const chatId = options.chatId ?? (typeof message === 'number' ? this.id : message.chat.id);
    const messageId = typeof message === 'number' ? message : message.message_id;
    const record = this.#world.findMessage(chatId, messageId);
    if (!record) throw new Error(`tap: no message ${messageId} in chat ${chatId}`);
    if (record.deleted) throw new Error(`tap: message ${messageId} in chat ${chatId} was deleted`);
    this.#chatFor(chatId);
    const markup = record.reply_markup;
    const buttons = markup && 'inline_keyboard' in markup ? markup.inline_keyboard.flat() : [];
    const found = buttons.find((b) => buttonMatches(b, button));
    if (!found) {
      const available = buttons.map((b) => JSON.stringify(b.text)).join(', ') || '(no inline keyboard)';
      throw new Error(`tap: no button ${describeMatcher(button)} on message ${messageId}; buttons: ${available}`);
    }
    if (!('callback_data' in found) || typeof found.callback_data !== 'string') {
      throw new Error(`tap: button ${JSON.stringify(found.text)} has no callback_data (${Object.keys(found).join(', ')})`);
    }
    const id = this.#world.newCallbackQueryId(this.id);
    this.#world.callbackQueries.set(id, { id, from: this.user, chatId, messageId, data: found.callback_data });
    this.#world.pushUpdate({
      callback_query: {
        id,
        from: this.user,
        message: this.#world.toMessage(record),
        chat_instance: this.#world.chatInstance(chatId),
        data: found.callback_data,
      },
    });
    return Promise.resolve(id); // async so that lookup errors reject instead of throwing
  }

  /**
   * Sends a callback query with any data on any message of a chat, as a modified or stale client could:
   * for testing that the bot checks every tap on the server. Returns the callback query id.
   */
  async tapWithData(chatId: number, messageId: number, data: string): Promise<string> {
    const record = this.#world.findMessage(chatId, messageId);
    if (!record) throw new Error(`tapWithData: no message ${messageId} in chat ${chatId}`);
    this.#chatFor(chatId);
    const id = this.#world.newCallbackQueryId(this.id);
    this.#world.callbackQueries.set(id, { id, from: this.user, chatId, messageId, data });
    this.#world.pushUpdate({
      callback_query: { id, from: this.user, message: this.#world.toMessage(record), chat_instance: this.#world.chatInstance(chatId), data },
    });
    return Promise.resolve(id);
  }

  /** Waits until the bot answers the callback query (answerCallbackQuery). */
  answerOf(queryId: string, options: WaitOptions = {}): Promise<CallbackAnswer> {
    const timeout = options.timeout ?? 5000;
    return this.#world.waitFor(
      () => this.#world.callbackAnswers.get(queryId),
      timeout,
      () => new Error(`callback query ${queryId} was not answered within ${timeout} ms (the user would see an endless spinner)`),
    );
  }

  /** tap() then answerOf(). */
  async tapAndAwaitAnswer(message: MessageRef, button: ButtonMatcher, options: { chatId?: number } & WaitOptions = {}): Promise<CallbackAnswer> {
    const id = await this.tap(message, button, options);
    return this.answerOf(id, options);
  }

  /**
   * Presses a button of the reply keyboard currently shown in the chat (the latest one the bot sent
   * and did not remove). Text buttons send their text; request_contact buttons share the contact.
   */
  async pressKeyboard(text: string, options: UserSendOptions = {}): Promise<Message> {
    const chatId = options.chatId ?? this.id;
    const keyboard = this.currentKeyboard(chatId);
    const found = keyboard?.find((b) => (typeof b === 'string' ? b : b.text) === text);
    if (found === undefined) {
      const shown = keyboard ? keyboard.map((b) => JSON.stringify(typeof b === 'string' ? b : b.text)).join(', ') : '(no reply keyboard shown)';
      throw new Error(`pressKeyboard: no button ${JSON.stringify(text)} on the keyboard in chat ${chatId}; buttons: ${shown}`);
    }
    if (typeof found !== 'string') {
      if ('request_contact' in found && found.request_contact) return this.sendContact({}, options);
      const special = Object.keys(found).filter((k) => k.startsWith('request_') || k === 'web_app');
      if (special.length > 0) throw new Error(`pressKeyboard: ${special.join(', ')} buttons are not simulated`);
    }
    return this.send(text, options);
  }

  /** Buttons of the reply keyboard the user currently sees in that chat, if any. */
  currentKeyboard(chatId: number = this.id): KeyboardButton[] | undefined {
    return this.replyKeyboard(chatId)?.keyboard.flat();
  }

  /** The reply keyboard the user currently sees in that chat: the latest one the bot sent and did not remove. */
  replyKeyboard(chatId: number = this.id): ReplyKeyboardMarkup | undefined {
    const messages = this.#world.messagesIn(chatId);
    for (let i = messages.length - 1; i >= 0; i--) {
      const markup = messages[i]?.reply_markup;
      if (!messages[i]?.byBot || !markup) continue;
      if ('keyboard' in markup) return markup;
      if ('remove_keyboard' in markup) return undefined;
    }
    return undefined;
  }

  /** The user blocks the bot: sends to their chat fail with 403 and the bot gets my_chat_member. */
  blockBot(): void {
    this.#world.setBlocked(this.id, true);
  }

  unblockBot(): void {
    this.#world.setBlocked(this.id, false);
  }

  #caption(caption: string | undefined): MessageContent {
    if (caption === undefined || caption.trim() === '') return {};
    const text = caption.trim();
    const entities = detectEntities(text);
    return { caption: text, captionHtml: text, ...(entities.length ? { caption_entities: entities } : {}) };
  }

  #chatFor(chatId: number): FakeChat {
    if (chatId === this.id) {
      const chat = this.#world.chatById(chatId);
      if (!chat) throw new Error(`no private chat for user ${chatId}`);
      return chat;
    }
    const group = this.#world.group(chatId);
    if (!group) throw new Error(`chat ${chatId} does not exist (declare groups with tg.addGroup) or is another user's private chat`);
    if (!group.members.has(this.id)) throw new Error(`user ${this.id} is not a member of chat ${chatId}`);
    return group.chat;
  }

  #post(options: UserSendOptions, content: MessageContent): Promise<Message> {
    const chat = this.#chatFor(options.chatId ?? this.id);
    if (chat.type === 'private') {
      // Writing to the bot (re)starts it; an unblock is announced to the bot like on Telegram.
      if (this.#state.blocked) this.#world.setBlocked(this.id, false);
      this.#state.startedBot = true;
    }
    if (options.replyTo !== undefined) {
      const replyId = typeof options.replyTo === 'number' ? options.replyTo : options.replyTo.message_id;
      const target = this.#world.findMessage(chat.id, replyId);
      if (!target || target.deleted) throw new Error(`cannot reply to message ${replyId}: not in chat ${chat.id}`);
      content.reply_to_message_id = replyId;
    }
    const record = this.#world.addMessage(chat, this.user, content);
    const message = this.#world.toMessage(record);
    // The message is in the chat either way; the bot hears of it only as Telegram would tell it.
    if (this.#world.botReceives(record)) this.#world.pushUpdate({ message });
    return Promise.resolve(message);
  }
}

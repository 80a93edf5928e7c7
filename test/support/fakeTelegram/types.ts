import type {
  Chat,
  Contact,
  Document,
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  MessageEntity,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
} from 'grammy/types';

/** Chats the fake knows: private chats with test users, groups and supergroups (no channels). */
export type FakeChat = Exclude<Chat, Chat.ChannelChat>;

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** One state of a message; a message's `history` holds the states before the current one. */
export interface MessageVersion {
  /** Unix seconds: send date for the first version, edit date for later ones. */
  date: number;
  text?: string;
  html?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionHtml?: string;
  caption_entities?: MessageEntity[];
  reply_markup?: ReplyMarkup;
}

/** A message as stored by the fake, in its current state (live object: edits and deletion update it). */
export interface ChatMessage {
  readonly message_id: number;
  readonly chat: FakeChat;
  readonly chat_id: number;
  readonly from: User;
  /** true for messages the bot sent, false for messages test users sent */
  readonly byBot: boolean;
  readonly date: number;
  /** Plain text as the user sees it: tags removed, HTML entities decoded, trimmed. */
  readonly text?: string;
  /** Exactly what the bot sent as `text` (the HTML source in parse_mode HTML). */
  readonly html?: string;
  readonly parse_mode?: string;
  readonly entities?: MessageEntity[];
  readonly caption?: string;
  /** Exactly what the bot sent as `caption`. */
  readonly captionHtml?: string;
  readonly caption_entities?: MessageEntity[];
  readonly reply_markup?: ReplyMarkup;
  readonly photo?: PhotoSize[];
  readonly document?: Document;
  readonly contact?: Contact;
  readonly media_group_id?: string;
  readonly reply_to_message_id?: number;
  readonly forwarded_from?: { chat_id: number; message_id: number };
  readonly edit_date?: number;
  readonly deleted: boolean;
  /** Earlier versions, oldest first. */
  readonly history: readonly MessageVersion[];
}

/** Matches a message by its plain text or caption: substring, RegExp, or predicate. */
export type MessageMatcher = string | RegExp | ((message: ChatMessage) => boolean);

/** Finds an inline button: exact text, RegExp on the text, or predicate. */
export type ButtonMatcher = string | RegExp | ((button: InlineKeyboardButton) => boolean);

export interface ApiErrorBody {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** One HTTP call the bot made. */
export interface ApiCall {
  method: string;
  /** Parameters as received (uploaded files shown as `{ file: name, bytes }`). */
  params: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  time: number;
  ok: boolean;
  result?: unknown;
  error?: ApiErrorBody;
  /** Answered by failNext(), not by the bot's fault. */
  injected?: boolean;
  /** Answered 429 because it went over the fake's rate limits (the bot sent too fast). */
  rateLimited?: boolean;
  /** A long poll cut short by a newer getUpdates (409 Conflict); usually a stopping bot, not a bug. */
  superseded?: boolean;
  /** Method known to the Bot API but not simulated: parameters were validated, `true` returned. */
  fallback?: boolean;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  /** Date.now() when the bot answered. */
  time: number;
}

export interface WaitOptions {
  /** Milliseconds; default 5000. */
  timeout?: number;
}

export interface CreateUserOptions {
  id?: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  /** Used when the user presses a request_contact keyboard button. */
  phone_number?: string;
  /** false: the user never opened the bot, so the bot cannot write first (403). Default true. */
  startedBot?: boolean;
}

export interface AddGroupOptions {
  /** Negative: -100… makes a supergroup, other negative ids a basic group. */
  id: number;
  title: string;
  username?: string;
  members?: ReadonlyArray<{ id: number }>;
  /** Administrators (also members); getChatMember/getChatAdministrators report them. */
  admins?: ReadonlyArray<{ id: number }>;
  /**
   * The bot is an administrator of the group, so Telegram's privacy mode does not apply and it receives
   * every message. By default it is not: it receives only commands, replies to its messages and mentions.
   */
  botIsAdmin?: boolean;
}

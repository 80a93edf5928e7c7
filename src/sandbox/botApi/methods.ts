import type { ChatMember, Document, MessageEntity, PhotoSize, User } from 'grammy/types';
import { badRequest } from './errors.ts';
import { formatText, type FormattedText } from './formatting.ts';
import type { ReplyMarkup } from './types.ts';
import type { Params, UploadedFile } from './validation.ts';
import { now, type MessageContent, type MessageRecord, type World } from './world.ts';

/**
 * One simulated Bot API method; params are already validated against the API description.
 * getUpdates is not here: it holds the HTTP request open, so the server handles it.
 */
export type MethodHandler = (world: World, params: Params, files: ReadonlyMap<string, UploadedFile>) => unknown;

// Typed reads of validated parameters.
const str = (p: Params, name: string): string | undefined => (typeof p[name] === 'string' ? p[name] : undefined);
const int = (p: Params, name: string): number | undefined => (typeof p[name] === 'number' ? p[name] : undefined);
const bool = (p: Params, name: string): boolean | undefined => (typeof p[name] === 'boolean' ? p[name] : undefined);
const entitiesOf = (p: Params, name: string): MessageEntity[] | undefined =>
  Array.isArray(p[name]) ? (p[name] as MessageEntity[]) : undefined;
const markupOf = (p: Params): ReplyMarkup | undefined =>
  typeof p['reply_markup'] === 'object' && p['reply_markup'] !== null ? (p['reply_markup'] as ReplyMarkup) : undefined;

function textContent(f: FormattedText): MessageContent {
  return { text: f.text, html: f.source, entities: f.entities, ...(f.parseMode !== undefined ? { parse_mode: f.parseMode } : {}) };
}

function captionContent(caption: string | undefined, parseMode: string | undefined, entities: MessageEntity[] | undefined): MessageContent {
  if (caption === undefined) return {};
  const f = formatText(caption, { parseMode, entities, kind: 'caption' });
  return { caption: f.text, captionHtml: f.source, caption_entities: f.entities };
}

/** reply_parameters (or the legacy reply_to_message_id) must point at an existing message. */
function replyTarget(world: World, p: Params, chatId: number): number | undefined {
  const parameters = p['reply_parameters'];
  let messageId: number | undefined;
  let allowMissing = bool(p, 'allow_sending_without_reply') ?? false;
  if (typeof parameters === 'object' && parameters !== null && 'message_id' in parameters) {
    const record = parameters as { message_id: number; allow_sending_without_reply?: boolean };
    messageId = record.message_id;
    allowMissing ||= record.allow_sending_without_reply === true;
  } else if (p['reply_to_message_id'] !== undefined) {
    messageId = Number(p['reply_to_message_id']);
  }
  if (messageId === undefined) return undefined;
  const target = world.findMessage(chatId, messageId);
  if (!target || target.deleted) {
    if (allowMissing) return undefined;
    throw badRequest('message to be replied not found');
  }
  return messageId;
}

function send(world: World, p: Params, content: MessageContent): MessageRecord {
  const chat = world.chatForBot(p['chat_id']);
  const replyTo = replyTarget(world, p, chat.id);
  const markup = markupOf(p);
  return world.addMessage(chat, world.botUser, {
    ...content,
    ...(markup ? { reply_markup: markup } : {}),
    ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
  });
}

function attachName(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : undefined;
}

type ResolvedFile = { upload: UploadedFile } | { fileId: string };

/** An InputFile-or-String value: uploaded part, file_id, or (unsupported offline) URL. */
function resolveInputFile(value: unknown, files: ReadonlyMap<string, UploadedFile>): ResolvedFile {
  const name = attachName(value);
  if (name !== undefined) {
    const upload = files.get(name);
    if (!upload) throw badRequest(`wrong file identifier/HTTP URL specified (no multipart part named "${name}")`);
    return { upload };
  }
  if (typeof value !== 'string' || value === '') throw badRequest('wrong file identifier/HTTP URL specified');
  if (/^https?:\/\//i.test(value)) throw badRequest('failed to get HTTP URL content (the fake Telegram has no internet)');
  return { fileId: value };
}

async function resolvePhoto(world: World, value: unknown, files: ReadonlyMap<string, UploadedFile>): Promise<PhotoSize[]> {
  const resolved = resolveInputFile(value, files);
  if ('upload' in resolved) return world.files.storePhoto(resolved.upload.bytes);
  const set = world.files.photoSet(resolved.fileId);
  if (set) return set;
  if (world.files.get(resolved.fileId)?.kind === 'document') throw badRequest("can't use file of type Document as Photo");
  throw badRequest('wrong file identifier/HTTP URL specified');
}

function resolveDocument(world: World, value: unknown, files: ReadonlyMap<string, UploadedFile>): Document {
  const resolved = resolveInputFile(value, files);
  if ('upload' in resolved) {
    const { bytes, filename, contentType } = resolved.upload;
    return world.files.storeDocument(bytes, filename, contentType);
  }
  const document = world.files.documentById(resolved.fileId);
  if (document) return document;
  if (world.files.get(resolved.fileId)?.kind === 'photo') throw badRequest("can't use file of type Photo as Document");
  throw badRequest('wrong file identifier/HTTP URL specified');
}

// --- editing -------------------------------------------------------------------------------------

function editTarget(world: World, p: Params): MessageRecord {
  if (p['inline_message_id'] !== undefined) throw badRequest('MESSAGE_ID_INVALID (inline messages are not simulated)');
  if (p['chat_id'] === undefined) throw badRequest('chat_id is empty');
  const messageId = int(p, 'message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const chat = world.chatForBot(p['chat_id']);
  const record = world.findMessage(chat.id, messageId);
  if (!record || record.deleted) throw badRequest('message to edit not found');
  if (!record.byBot) throw badRequest("message can't be edited");
  return record;
}

function inlineMarkup(markup: ReplyMarkup | undefined): ReplyMarkup | undefined {
  return markup && 'inline_keyboard' in markup ? markup : undefined;
}

/** Applies an edit, refusing no-op edits exactly like Telegram. */
function applyEdit(world: World, record: MessageRecord, change: MessageContent & { reply_markup: ReplyMarkup | undefined }): unknown {
  const visible = (r: MessageContent): string =>
    JSON.stringify([r.text, r.entities ?? [], r.caption ?? '', r.caption_entities ?? [], inlineMarkup(r.reply_markup) ?? null]);
  // Omitting reply_markup in an edit removes the inline keyboard; a reply keyboard is not editable and stays.
  const next: MessageContent = {
    ...record,
    ...change,
    reply_markup: change.reply_markup ?? (inlineMarkup(record.reply_markup) ? undefined : record.reply_markup),
  };
  if (visible(next) === visible(record)) {
    throw badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }
  const version = {
    date: record.edit_date ?? record.date,
    ...(record.text !== undefined ? { text: record.text } : {}),
    ...(record.html !== undefined ? { html: record.html } : {}),
    ...(record.entities ? { entities: record.entities } : {}),
    ...(record.caption !== undefined ? { caption: record.caption } : {}),
    ...(record.captionHtml !== undefined ? { captionHtml: record.captionHtml } : {}),
    ...(record.caption_entities ? { caption_entities: record.caption_entities } : {}),
    ...(record.reply_markup ? { reply_markup: record.reply_markup } : {}),
  };
  record.history.push(version);
  Object.assign(record, change);
  if (next.reply_markup === undefined) delete record.reply_markup;
  else record.reply_markup = next.reply_markup;
  if ('text' in change && change.parse_mode === undefined) delete record.parse_mode;
  record.edit_date = now();
  world.changed();
  return world.toMessage(record);
}

// --- chat members --------------------------------------------------------------------------------

function chatMember(world: World, chatId: number, user: User): ChatMember {
  const group = world.group(chatId);
  if (user.id === world.botInfo.id || (group?.admins.has(user.id) ?? false)) {
    return {
      status: 'administrator',
      user,
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_delete_messages: true,
      can_manage_video_chats: false,
      can_restrict_members: true,
      can_promote_members: false,
      can_change_info: false,
      can_invite_users: true,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      can_pin_messages: true,
      can_send_welcome_messages: false,
    };
  }
  if (group ? group.members.has(user.id) : chatId === user.id) return { status: 'member', user };
  return { status: 'left', user };
}

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

function commandsKey(p: Params): string {
  return `${JSON.stringify(p['scope'] ?? { type: 'default' })}|${str(p, 'language_code') ?? ''}`;
}

// --- the methods ---------------------------------------------------------------------------------

export const methods: Record<string, MethodHandler> = {
  getMe: (world) => world.botInfo,

  logOut: () => true,
  close: () => true,

  setWebhook: (world, p) => {
    const url = str(p, 'url') ?? '';
    if (url === '') {
      world.webhook = undefined;
      return true;
    }
    if (!/^https:\/\//i.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    world.webhook = {
      url,
      has_secret: str(p, 'secret_token') !== undefined,
      ...(Array.isArray(p['allowed_updates']) ? { allowed_updates: p['allowed_updates'] as string[] } : {}),
      ...(int(p, 'max_connections') !== undefined ? { max_connections: int(p, 'max_connections') } : {}),
    };
    world.webhookSecret = str(p, 'secret_token');
    world.updates.setAllowedUpdates(p['allowed_updates']);
    if (bool(p, 'drop_pending_updates')) world.updates.dropPending();
    world.webhookDelivery?.pump();
    return true;
  },

  deleteWebhook: (world, p) => {
    world.webhook = undefined;
    world.webhookSecret = undefined;
    if (bool(p, 'drop_pending_updates')) world.updates.dropPending();
    return true;
  },

  getWebhookInfo: (world) => ({
    url: world.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: world.updates.pending.length,
    ...(world.webhook?.max_connections !== undefined ? { max_connections: world.webhook.max_connections } : {}),
    ...(world.webhook?.allowed_updates ? { allowed_updates: world.webhook.allowed_updates } : {}),
  }),

  setMyCommands: (world, p) => {
    const commands = Array.isArray(p['commands']) ? (p['commands'] as Array<{ command: string; description: string }>) : [];
    if (commands.length > 100) throw badRequest('too many commands');
    for (const { command, description } of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest(`BOT_COMMAND_INVALID (command "${command}")`);
      const length = [...description].length;
      if (length < 1 || length > 256) throw badRequest(`command description must be 1-256 characters (command "${command}")`);
    }
    world.commands.set(commandsKey(p), commands);
    return true;
  },
  getMyCommands: (world, p) => world.commands.get(commandsKey(p)) ?? [],
  deleteMyCommands: (world, p) => {
    world.commands.delete(commandsKey(p));
    return true;
  },

  sendMessage: (world, p) => {
    const formatted = formatText(str(p, 'text') ?? '', { parseMode: str(p, 'parse_mode'), entities: entitiesOf(p, 'entities'), kind: 'text' });
    return world.toMessage(send(world, p, textContent(formatted)));
  },

  sendPhoto: async (world, p, files) => {
    world.chatForBot(p['chat_id']); // fail on chat problems before processing the image
    const caption = captionContent(str(p, 'caption'), str(p, 'parse_mode'), entitiesOf(p, 'caption_entities'));
    const photo = await resolvePhoto(world, p['photo'], files);
    return world.toMessage(send(world, p, { ...caption, photo }));
  },

  sendDocument: (world, p, files) => {
    world.chatForBot(p['chat_id']);
    const caption = captionContent(str(p, 'caption'), str(p, 'parse_mode'), entitiesOf(p, 'caption_entities'));
    const document = resolveDocument(world, p['document'], files);
    return world.toMessage(send(world, p, { ...caption, document }));
  },

  sendMediaGroup: async (world, p, files) => {
    const chat = world.chatForBot(p['chat_id']);
    const media = Array.isArray(p['media']) ? (p['media'] as Array<Record<string, unknown>>) : [];
    if (media.length < 2 || media.length > 10) throw badRequest('wrong number of media in the group: must include 2-10 items');
    const types = new Set(media.map((m) => m['type']));
    for (const type of types) {
      if (type !== 'photo' && type !== 'document') throw badRequest(`media of type "${String(type)}" is not simulated by the fake Telegram`);
    }
    // Resolve everything first so that a bad item sends nothing, like Telegram.
    const prepared: MessageContent[] = [];
    for (const item of media) {
      const caption = captionContent(str(item, 'caption'), str(item, 'parse_mode'), entitiesOf(item, 'caption_entities'));
      prepared.push(
        item['type'] === 'photo'
          ? { ...caption, photo: await resolvePhoto(world, item['media'], files) }
          : { ...caption, document: resolveDocument(world, item['media'], files) },
      );
    }
    const replyTo = replyTarget(world, p, chat.id);
    const groupId = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    return prepared.map((content) =>
      world.toMessage(
        world.addMessage(chat, world.botUser, {
          ...content,
          media_group_id: groupId,
          ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
        }),
      ),
    );
  },

  getFile: (world, p) => world.files.getFile(str(p, 'file_id') ?? ''),

  sendChatAction: (world, p) => {
    world.chatForBot(p['chat_id']);
    if (!CHAT_ACTIONS.has(str(p, 'action') ?? '')) throw badRequest('wrong parameter action in request');
    return true;
  },

  editMessageText: (world, p) => {
    const record = editTarget(world, p);
    if (record.text === undefined) throw badRequest('there is no text in the message to edit');
    const formatted = formatText(str(p, 'text') ?? '', { parseMode: str(p, 'parse_mode'), entities: entitiesOf(p, 'entities'), kind: 'text' });
    return applyEdit(world, record, { ...textContent(formatted), reply_markup: markupOf(p) });
  },

  editMessageCaption: (world, p) => {
    const record = editTarget(world, p);
    if (!record.photo && !record.document) throw badRequest('there is no caption in the message to edit');
    const caption = captionContent(str(p, 'caption') ?? '', str(p, 'parse_mode'), entitiesOf(p, 'caption_entities'));
    return applyEdit(world, record, { ...caption, reply_markup: markupOf(p) });
  },

  editMessageReplyMarkup: (world, p) => {
    const record = editTarget(world, p);
    return applyEdit(world, record, { reply_markup: markupOf(p) });
  },

  deleteMessage: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const record = world.findMessage(chat.id, int(p, 'message_id') ?? 0);
    if (!record || record.deleted) throw badRequest('message to delete not found');
    record.deleted = true;
    world.changed();
    return true;
  },

  deleteMessages: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const ids = Array.isArray(p['message_ids']) ? (p['message_ids'] as number[]) : [];
    if (ids.length < 1 || ids.length > 100) throw badRequest('message_ids must contain 1-100 identifiers');
    // Missing messages are skipped, as documented.
    for (const id of ids) {
      const record = world.findMessage(chat.id, id);
      if (record) record.deleted = true;
    }
    world.changed();
    return true;
  },

  answerCallbackQuery: (world, p) => {
    const id = str(p, 'callback_query_id') ?? '';
    if (!world.callbackQueries.has(id) || world.callbackAnswers.has(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = str(p, 'text');
    if (text !== undefined && [...text].length > 200) throw badRequest('MESSAGE_TOO_LONG (callback answer text is limited to 200 characters)');
    world.callbackAnswers.set(id, {
      callback_query_id: id,
      ...(text !== undefined ? { text } : {}),
      ...(bool(p, 'show_alert') !== undefined ? { show_alert: bool(p, 'show_alert') } : {}),
      ...(str(p, 'url') !== undefined ? { url: str(p, 'url') } : {}),
      ...(int(p, 'cache_time') !== undefined ? { cache_time: int(p, 'cache_time') } : {}),
      time: Date.now(),
    });
    world.changed();
    return true;
  },

  copyMessage: (world, p) => {
    const from = world.resolveChat(p['from_chat_id']);
    const source = world.findMessage(from.id, int(p, 'message_id') ?? 0);
    if (!source || source.deleted) throw badRequest('message to copy not found');
    const caption =
      p['caption'] !== undefined
        ? captionContent(str(p, 'caption'), str(p, 'parse_mode'), entitiesOf(p, 'caption_entities'))
        : { caption: source.caption, captionHtml: source.captionHtml, caption_entities: source.caption_entities };
    const copy: MessageContent = {
      text: source.text,
      html: source.html,
      entities: source.entities,
      photo: source.photo,
      document: source.document,
      contact: source.contact,
      ...(source.photo || source.document ? caption : {}),
    };
    for (const key of Object.keys(copy) as Array<keyof MessageContent>) if (copy[key] === undefined) delete copy[key];
    return { message_id: send(world, p, copy).message_id };
  },

  forwardMessage: (world, p) => {
    const from = world.resolveChat(p['from_chat_id']);
    const source = world.findMessage(from.id, int(p, 'message_id') ?? 0);
    if (!source || source.deleted) throw badRequest('message to forward not found');
    const copy: MessageContent = { forwarded_from: { chat_id: source.chat_id, message_id: source.message_id } };
    if (source.text !== undefined) Object.assign(copy, { text: source.text, html: source.html, entities: source.entities });
    if (source.caption !== undefined) Object.assign(copy, { caption: source.caption, captionHtml: source.captionHtml, caption_entities: source.caption_entities });
    if (source.photo) copy.photo = source.photo;
    if (source.document) copy.document = source.document;
    if (source.contact) copy.contact = source.contact;
    const chat = world.chatForBot(p['chat_id']);
    return world.toMessage(world.addMessage(chat, world.botUser, copy));
  },

  getChat: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false } };
  },

  getChatMember: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const userId = int(p, 'user_id') ?? 0;
    const user = userId === world.botInfo.id ? world.botUser : world.userState(userId)?.user;
    if (!user) throw badRequest('user not found');
    return chatMember(world, chat.id, user);
  },

  getChatAdministrators: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    const group = world.group(chat.id);
    if (!group) throw badRequest('there are no administrators in the private chat');
    const admins = [...group.admins].flatMap((id) => {
      const user = world.userState(id)?.user;
      return user ? [chatMember(world, chat.id, user)] : [];
    });
    return [...admins, chatMember(world, chat.id, world.botUser)];
  },

  getChatMemberCount: (world, p) => {
    const chat = world.resolveChat(p['chat_id']);
    return (world.group(chat.id)?.members.size ?? 1) + 1;
  },
};

/** getUpdates parameters with Telegram's defaults and bounds (the long poll itself lives in the server). */
export function getUpdatesOptions(p: Params): { offset: number; limit: number; timeout: number } {
  const limit = int(p, 'limit') ?? 100;
  return { offset: int(p, 'offset') ?? 0, limit: Math.min(Math.max(limit, 1), 100), timeout: Math.max(int(p, 'timeout') ?? 0, 0) };
}


import type { Document, MessageEntity, PhotoSize } from 'grammy/types';
import { badRequest } from './errors.ts';
import { formatText, type FormattedText } from './formatting.ts';
import { bool, entitiesOf, int, markupOf, str, type MethodHandler } from './methodParams.ts';
import type { MessageContent, MessageRecord } from './records.ts';
import type { Params, UploadedFile } from './validation.ts';
import type { World } from './world.ts';

export function textContent(f: FormattedText): MessageContent {
  return { text: f.text, html: f.source, entities: f.entities, ...(f.parseMode !== undefined ? { parse_mode: f.parseMode } : {}) };
}

export function captionContent(caption: string | undefined, parseMode: string | undefined, entities: MessageEntity[] | undefined): MessageContent {
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

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

/** Methods that put a message in a chat. */
export const sendingMethods: Record<string, MethodHandler> = {
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

  sendChatAction: (world, p) => {
    world.chatForBot(p['chat_id']);
    if (!CHAT_ACTIONS.has(str(p, 'action') ?? '')) throw badRequest('wrong parameter action in request');
    return true;
  },
};

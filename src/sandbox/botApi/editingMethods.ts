import { badRequest } from './errors.ts';
import { formatText } from './formatting.ts';
import { entitiesOf, int, markupOf, str, type MethodHandler } from './methodParams.ts';
import { now, type MessageContent, type MessageRecord } from './records.ts';
import { captionContent, textContent } from './sendingMethods.ts';
import type { ReplyMarkup } from './types.ts';
import type { Params } from './validation.ts';
import type { World } from './world.ts';

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

/** Methods that change or delete a message the bot sent. */
export const editingMethods: Record<string, MethodHandler> = {
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
};

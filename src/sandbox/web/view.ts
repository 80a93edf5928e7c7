import type { InlineKeyboardButton, MessageEntity } from 'grammy/types';
import type { ChatMessage, FakeTelegram, SimulatedUser } from '../botApi/index.ts';
import { CAST, type Pane } from '../cast.ts';
import { formatGhs, fromPesewas } from '../../services/common/amounts.ts';
import { FAKE_TELECEL_OTP, PROVIDER_CODES, type FakePaystack } from '../paystack/index.ts';

/** What the page needs of a chat: plain values only (the page builds every DOM node itself, never from HTML). */
export interface PaneView {
  key: string;
  title: string;
  subtitle: string;
  items: ItemView[];
  keyboard: { rows: { text: string; contact: boolean }[][]; placeholder?: string } | null;
  /** The bot's latest question that forces a reply, not yet answered: the composer replies to it. */
  forceReply: { messageId: number; placeholder?: string } | null;
  commands: { command: string; description: string }[];
  /** Mobile-money prompts on this person's phone (the fake Paystack's charges waiting for them). */
  prompts: PromptView[];
}

/** A prompt on the payer's phone: approve or decline it; or, for Telecel, the code its SMS gives. */
export interface PromptView {
  reference: string;
  text: string;
  /** Telecel's code by SMS, to type into the bot; then the prompt itself. */
  otp: string | null;
  canAnswer: boolean;
  /** The two answers' buttons: the payer's (Approve, Decline), or in the admin pane Paystack's outcome of a transfer. */
  approveLabel: string;
  declineLabel: string;
}

export interface FormattedView {
  text: string;
  entities: MessageEntity[];
}

export type ButtonView =
  | { text: string; action: 'callback' }
  | { text: string; action: 'url'; url: string }
  | { text: string; action: 'copy'; copy: string }
  | { text: string; action: 'unsupported' };

/** One message, or one album (messages of a media group shown together). */
export interface ItemView {
  /** Changes whenever what is shown changes (an edit, a deletion, another photo in the album). */
  key: string;
  id: number;
  mine: boolean;
  sender: string;
  time: number;
  edited: boolean;
  /** A message in a group that privacy mode kept from the bot. */
  unseenByBot: boolean;
  text?: FormattedView;
  caption?: FormattedView;
  photos?: { url: string; width: number; height: number }[];
  document?: { url: string; name: string; size: number };
  contact?: { name: string; phone: string };
  replyTo?: { sender: string; preview: string };
  buttons?: ButtonView[][];
}

/** How many of a chat's latest messages the page shows. */
const SHOWN_MESSAGES = 150;

export function fileUrl(fileId: string): string {
  return `/files/${encodeURIComponent(fileId)}`;
}

function senderName(message: ChatMessage): string {
  return [message.from.first_name, message.from.last_name].filter(Boolean).join(' ');
}

function preview(message: ChatMessage): string {
  const text = message.text ?? message.caption ?? (message.photo ? 'Photo' : message.document ? (message.document.file_name ?? 'File') : message.contact ? 'Contact' : '');
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function buttonView(button: InlineKeyboardButton): ButtonView {
  if ('callback_data' in button) return { text: button.text, action: 'callback' };
  if ('url' in button) return { text: button.text, action: 'url', url: button.url };
  if ('copy_text' in button) return { text: button.text, action: 'copy', copy: button.copy_text.text };
  return { text: button.text, action: 'unsupported' };
}

function messageView(tg: FakeTelegram, message: ChatMessage, viewerId: number): ItemView {
  const item: ItemView = {
    key: `${message.message_id}.${message.history.length}`,
    id: message.message_id,
    mine: message.from.id === viewerId,
    sender: senderName(message),
    time: message.date,
    edited: message.history.length > 0,
    unseenByBot: !message.byBot && message.chat.type !== 'private' && !tg.botReceives(message),
  };
  if (message.text !== undefined) item.text = { text: message.text, entities: message.entities ?? [] };
  if (message.caption !== undefined && message.caption !== '') item.caption = { text: message.caption, entities: message.caption_entities ?? [] };
  const largest = message.photo?.at(-1);
  if (largest) item.photos = [{ url: fileUrl(largest.file_id), width: largest.width, height: largest.height }];
  if (message.document) {
    item.document = { url: fileUrl(message.document.file_id), name: message.document.file_name ?? 'file', size: message.document.file_size ?? 0 };
  }
  if (message.contact) {
    item.contact = { name: [message.contact.first_name, message.contact.last_name].filter(Boolean).join(' '), phone: message.contact.phone_number };
  }
  const replied = message.reply_to_message_id === undefined ? undefined : tg.message(message.chat_id, message.reply_to_message_id);
  if (replied && !replied.deleted) item.replyTo = { sender: senderName(replied), preview: preview(replied) };
  const markup = message.reply_markup;
  if (markup && 'inline_keyboard' in markup) item.buttons = markup.inline_keyboard.map((row) => row.map(buttonView));
  return item;
}

/** Messages of one media group become one album item, as Telegram shows them. */
function items(tg: FakeTelegram, messages: readonly ChatMessage[], viewerId: number): ItemView[] {
  const result: ItemView[] = [];
  let album: { groupId: string; item: ItemView } | undefined;
  for (const message of messages) {
    const item = messageView(tg, message, viewerId);
    if (message.media_group_id !== undefined && album?.groupId === message.media_group_id) {
      album.item.key += `+${item.key}`;
      album.item.photos = [...(album.item.photos ?? []), ...(item.photos ?? [])];
      album.item.caption ??= item.caption;
      continue;
    }
    album = message.media_group_id === undefined ? undefined : { groupId: message.media_group_id, item };
    result.push(item);
  }
  return result;
}

function forceReplyOf(messages: readonly ChatMessage[], viewerId: number): PaneView['forceReply'] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (!message) continue;
    if (message.from.id === viewerId) return null;
    const markup = message.reply_markup;
    if (message.byBot && markup && 'force_reply' in markup && !('inline_keyboard' in markup)) {
      return { messageId: message.message_id, ...(markup.input_field_placeholder ? { placeholder: markup.input_field_placeholder } : {}) };
    }
  }
  return null;
}

const localPhone = (international: string | undefined): string => (international ? `0${international.replace(/^\+233/, '')}` : '');

/**
 * The fake Paystack's charges waiting on a phone in this person's private pane: their own number's, and those to a
 * number none of the cast has (someone typed another wallet), which every user pane shows.
 */
export function promptsFor(paystack: FakePaystack, pane: Pane): PromptView[] {
  if (pane.chatId < 0) return transferOutcomes(paystack);
  const own = localPhone(CAST[pane.person].phone_number);
  const castPhones = new Set(Object.values(CAST).map((person) => localPhone(person.phone_number)));
  return [...paystack.charges.values()]
    .filter((charge) => (charge.status === 'pay_offline' || charge.status === 'send_otp') && (charge.phone === own || !castPhones.has(charge.phone)))
    .map((charge) => ({
      reference: charge.reference,
      text: `📱 ${PROVIDER_CODES[charge.provider]} MoMo on ${charge.phone}: pay ${formatGhs(fromPesewas(charge.amount))} to Trading Desk (${charge.reference})?`,
      otp: charge.status === 'send_otp' ? `SMS from Telecel: your payment code is ${FAKE_TELECEL_OTP}. Type it into the bot.` : null,
      canAnswer: charge.status === 'pay_offline',
      approveLabel: '✅ Approve',
      declineLabel: '❌ Decline',
    }));
}

/** In the admin pane, as Paystack: the transfers still pending, to complete or fail (each sends its webhook). */
function transferOutcomes(paystack: FakePaystack): PromptView[] {
  return [...paystack.transfers.values()]
    .filter((transfer) => transfer.status === 'pending')
    .map((transfer) => ({
      reference: transfer.reference,
      text: `🏦 Paystack transfer ${transfer.reference}: ${formatGhs(fromPesewas(transfer.amount))}, pending. Its outcome, as Paystack:`,
      otp: null,
      canAnswer: true,
      approveLabel: '✅ Completes',
      declineLabel: '❌ Fails',
    }));
}

/** The pane as its person sees it now. */
export function paneView(tg: FakeTelegram, pane: Pane, viewer: SimulatedUser, prompts: PromptView[] = []): PaneView {
  const messages = tg.chatMessages(pane.chatId).filter((message) => !message.deleted).slice(-SHOWN_MESSAGES);
  const keyboard = viewer.replyKeyboard(pane.chatId);
  const scoped = tg.commands({ type: 'chat', chat_id: pane.chatId });
  return {
    key: pane.key,
    title: pane.title,
    subtitle: pane.subtitle,
    items: items(tg, messages, viewer.id),
    keyboard: keyboard
      ? {
          rows: keyboard.keyboard.map((row) => row.map((button) => (typeof button === 'string' ? { text: button, contact: false } : { text: button.text, contact: 'request_contact' in button && button.request_contact === true }))),
          ...(keyboard.input_field_placeholder ? { placeholder: keyboard.input_field_placeholder } : {}),
        }
      : null,
    forceReply: forceReplyOf(messages, viewer.id),
    commands: (scoped.length > 0 ? scoped : tg.commands()).map(({ command, description }) => ({ command, description })),
    prompts,
  };
}

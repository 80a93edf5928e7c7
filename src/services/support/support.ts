import type { DatabasePool } from 'slonik';
import { notificationDeliveryState } from '../../db/notifications.ts';
import { readSettings } from '../../db/settings.ts';
import {
  countSupportMessages,
  findSupportMessage,
  findSupportMessageBySource,
  insertSupportMessageOnce,
  supportThreadPage,
  type SupportMessageRow,
} from '../../db/supportMessages.ts';
import { findSupportRelay, insertSupportRelay, isSupportMessageRelayed } from '../../db/supportRelays.ts';
import { findUserById, type UserRow } from '../../db/users.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { clampPage } from '../common/paging.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import { notifyUser } from '../notifications/outbox.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import { supportNotices } from './notices.ts';

export type { SupportMessageRow };

export const THREAD_PAGE_SIZE = 5;
/** Room for who sent it, their open requests and the last messages beside it in one admin-chat message. */
export const MAX_USER_TEXT = 2000;
/** An answer, its title and signature fit one message; with a picture, its caption (1,024 characters). */
const MAX_ANSWER_TEXT = 3500;
const MAX_ANSWER_CAPTION = 800;
const EARLIER_SHOWN = 3;

/** A message with a photo (its bytes, checked and stored by the media store) or text, or both. */
export interface IncomingSupportMessage {
  text: string | null;
  photo: Buffer | null;
  /** The Telegram message it came from: the same message handled twice is stored and sent once. */
  source: { chatId: number; messageId: number };
}

export type SubmitResult = Checked<{ message: SupportMessageRow; relayed: boolean }>;
export type AnswerResult =
  | { status: 'sent'; message: SupportMessageRow; notificationId: number }
  | { status: 'duplicate' }
  | { status: 'not_admin' }
  | { status: 'invalid'; reason: string };

/** What an admin sees beside a user's message: who sent it and the messages before it. */
export interface RelayFacts {
  message: SupportMessageRow;
  user: UserRow;
  earlier: readonly SupportMessageRow[];
}

export interface SupportService {
  /** The support contacts from settings, by name. */
  contacts(): Promise<readonly (readonly [string, string])[]>;
  /** A page of the user's thread, newest first. */
  thread(userId: number, page: number): Promise<{ rows: readonly SupportMessageRow[]; page: number; pages: number }>;
  checkUserText(text: string): Checked<string>;
  /** A user's message, kept in their thread; `relayed` says whether it was posted in the admin chat already. */
  submit(userId: number, message: IncomingSupportMessage): Promise<SubmitResult>;
  relayFacts(supportMessageId: number): Promise<RelayFacts | null>;
  recordRelay(relay: { chatId: number; messageId: number; supportMessageId: number }): Promise<void>;
  /** The thread a message in the admin chat belongs to, when it is one of the bot's relays. */
  threadOfRelay(chatId: number, messageId: number): Promise<{ userId: number; supportMessageId: number } | null>;
  /** An admin's answer, kept in the thread and written to the user's outbox signed "Support", in one transaction. */
  answer(userId: number, from: TelegramIdentity, message: IncomingSupportMessage): Promise<AnswerResult>;
  user(userId: number): Promise<UserRow | null>;
  /** Whether an answer's notification reached the user: 'sent', 'waiting' (retried later) or 'failed' (they blocked the bot). */
  deliveryOf(notificationId: number): Promise<'sent' | 'waiting' | 'failed'>;
}

function checkLength(text: string | null, most: number, what: string): Checked<string | null> {
  if (text === null) return valid(null);
  const trimmed = text.trim();
  const length = [...trimmed].length;
  if (length > most) return invalid(`${what} is ${length.toLocaleString('en-GB')} characters long; the most is ${most.toLocaleString('en-GB')}. Please shorten it.`);
  return valid(trimmed === '' ? null : trimmed);
}

export function createSupportService(deps: { pool: DatabasePool; media: MediaStore; admins: AdminService }): SupportService {
  const { pool, media } = deps;

  /** Stores the photo, then saves the row (null: stored already, a repeat), leaving no second file behind for a repeat. */
  async function withPhoto<T>(photo: Buffer | null, save: (path: string | null) => Promise<T | null>): Promise<Checked<T | null>> {
    const stored = photo ? await media.storeImage(photo, 'support') : null;
    if (stored && !stored.ok) return stored;
    const saved = await save(stored?.value.path ?? null);
    if (saved === null && stored) await media.remove(stored.value.path);
    return valid(saved);
  }

  return {
    async contacts() {
      const settings = await readSettings(pool);
      return Object.entries(settings.support_contacts).sort(([a], [b]) => a.localeCompare(b));
    },
    async thread(userId, page) {
      const shown = clampPage(page, await countSupportMessages(pool, userId), THREAD_PAGE_SIZE);
      const rows = await supportThreadPage(pool, userId, { limit: THREAD_PAGE_SIZE, offset: shown.page * THREAD_PAGE_SIZE });
      return { rows, ...shown };
    },
    checkUserText: (text) => {
      const checked = checkLength(text, MAX_USER_TEXT, 'Your message');
      if (!checked.ok) return checked;
      return checked.value === null ? invalid('Please type your message, or send a photo.') : valid(checked.value);
    },
    async submit(userId, message) {
      const text = checkLength(message.text, MAX_USER_TEXT, 'Your message');
      if (!text.ok) return text;
      const existing = await findSupportMessageBySource(pool, message.source);
      if (existing) return valid({ message: existing, relayed: await isSupportMessageRelayed(pool, existing.id) });
      const saved = await withPhoto(message.photo, (photo) =>
        insertSupportMessageOnce(pool, { userId, author: 'user', body: text.value, photo, source: message.source }),
      );
      if (!saved.ok) return saved;
      const row = saved.value ?? (await findSupportMessageBySource(pool, message.source));
      if (!row) throw new Error('support message vanished');
      return valid({ message: row, relayed: await isSupportMessageRelayed(pool, row.id) });
    },
    async relayFacts(supportMessageId) {
      const message = await findSupportMessage(pool, supportMessageId);
      const user = message ? await findUserById(pool, message.user_id) : null;
      if (!message || !user) return null;
      const earlier = await supportThreadPage(pool, user.id, { limit: EARLIER_SHOWN, offset: 0, beforeId: message.id });
      return { message, user, earlier: [...earlier].reverse() };
    },
    recordRelay: (relay) => insertSupportRelay(pool, relay),
    async threadOfRelay(chatId, messageId) {
      const relay = await findSupportRelay(pool, chatId, messageId);
      return relay ? { userId: relay.user_id, supportMessageId: relay.support_message_id } : null;
    },
    async answer(userId, from, message) {
      const admin = await deps.admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      const text = checkLength(message.text, message.photo ? MAX_ANSWER_CAPTION : MAX_ANSWER_TEXT, 'The answer');
      if (!text.ok) return { status: 'invalid', reason: text.reason };
      if (text.value === null && !message.photo) return { status: 'invalid', reason: 'Type the answer, or send a photo.' };
      if (await findSupportMessageBySource(pool, message.source)) return { status: 'duplicate' };
      const signedBy = { telegramId: admin.telegramId, name: admin.name };
      const saved = await withPhoto(message.photo, (photo) =>
        pool.transaction(async (tx) => {
          const row = await insertSupportMessageOnce(tx, { userId, author: 'support', body: text.value, photo, source: message.source, admin: signedBy });
          if (!row) return null;
          const notificationId = await notifyUser(tx, userId, supportNotices.answer(row.body), row.photo ? { photo: row.photo } : {});
          return { row, notificationId };
        }),
      );
      if (!saved.ok) return { status: 'invalid', reason: saved.reason };
      return saved.value ? { status: 'sent', message: saved.value.row, notificationId: saved.value.notificationId } : { status: 'duplicate' };
    },
    user: (userId) => findUserById(pool, userId),
    deliveryOf: (notificationId) => notificationDeliveryState(pool, notificationId),
  };
}

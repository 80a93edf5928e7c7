import type { Chat, User } from 'grammy/types';
import type { ChatMessage, MessageVersion } from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Internal, mutable form of ChatMessage. */
export type MessageRecord = Mutable<Omit<ChatMessage, 'history'>> & { history: MessageVersion[] };

export type MessageContent = Partial<
  Pick<
    MessageRecord,
    | 'text' | 'html' | 'parse_mode' | 'entities' | 'caption' | 'captionHtml' | 'caption_entities' | 'reply_markup' | 'photo'
    | 'document' | 'contact' | 'media_group_id' | 'reply_to_message_id' | 'forwarded_from'
  >
>;

export interface UserState {
  user: User;
  phone_number: string;
  startedBot: boolean;
  blocked: boolean;
}

export interface GroupState {
  chat: Chat.GroupChat | Chat.SupergroupChat;
  members: Set<number>;
  admins: Set<number>;
  botIsAdmin: boolean;
}

export interface CallbackQueryState {
  id: string;
  from: User;
  chatId: number;
  messageId: number;
  data: string;
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

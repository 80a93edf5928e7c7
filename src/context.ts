import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { AppUser } from './services/accounts/users.ts';

/** What the middleware adds to every update outside conversations. */
export interface AppFlavor {
  /** The registered user who sent the update, or null for someone not registered yet. */
  appUser: AppUser | null;
}

export type BotContext = ConversationFlavor<Context & AppFlavor>;
/** Inside a conversation the context is a plain one: state comes from `conversation.external`. */
export type ConversationContext = Context;
export type BotConversation = Conversation<BotContext, ConversationContext>;

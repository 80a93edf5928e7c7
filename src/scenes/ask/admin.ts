import type { User } from 'grammy/types';
import { html, type SafeHtml } from '../../telegram/html.ts';
import type { Question } from './ask.ts';

/**
 * How the bot asks an admin to type something, so it works in the admin group with privacy mode on: the
 * question mentions them and forces a reply addressed to them, and only their reply to it is taken as the
 * answer (the conversation is theirs alone). In a private chat it reads the same.
 */
export function toAdmin(admin: Pick<User, 'id' | 'first_name'>, text: SafeHtml, placeholder?: string): Pick<Question<unknown>, 'text' | 'replyMarkup' | 'repliesOnly'> {
  return {
    text: html`<a href="tg://user?id=${admin.id}">${admin.first_name}</a>, ${text}`,
    replyMarkup: { force_reply: true, selective: true, ...(placeholder ? { input_field_placeholder: placeholder } : {}) },
    repliesOnly: true,
  };
}

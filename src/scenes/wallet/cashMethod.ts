import type { BotConversation, ConversationContext } from '../../context.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';

/** Momo or bank, for a deposit or a withdrawal; `more` adds choices of the caller's own (a row above Cancel). */
export function chooseCashMethod<E extends string = never>(
  conversation: BotConversation,
  ctx: ConversationContext,
  question: string,
  more: readonly { label: string; value: E }[] = [],
): Promise<'momo' | 'bank' | 'cancel' | E> {
  return choose<'momo' | 'bank' | 'cancel' | E>(conversation, ctx, html`${question}`, [
    [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank', value: 'bank' }],
    ...(more.length > 0 ? [more] : []),
    [{ label: '❌ Cancel', value: 'cancel' }],
  ]);
}

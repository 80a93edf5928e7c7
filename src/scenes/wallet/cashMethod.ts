import type { BotConversation, ConversationContext } from '../../context.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';

/** Momo or bank, for a deposit or a withdrawal. */
export function chooseCashMethod(conversation: BotConversation, ctx: ConversationContext, question: string): Promise<'momo' | 'bank' | 'cancel'> {
  return choose(conversation, ctx, html`${question}`, [
    [{ label: '📱 Mobile money', value: 'momo' }, { label: '🏦 Bank', value: 'bank' }],
    [{ label: '❌ Cancel', value: 'cancel' }],
  ] as const);
}

import type { BotConversation, ConversationContext } from '../context.ts';
import { applyDecision, type DecisionDeps } from '../admin/decisions.ts';
import { invalid, valid } from '../services/validation.ts';
import { html } from '../ui/html.ts';
import { ask } from './ask.ts';

export const DECLINE_REASON = 'decline-reason';

/**
 * "Other reason": the admin who tapped types the reason (the conversation is theirs alone, even in the admin
 * group), then the decline is applied like any other. /cancel leaves the request open.
 */
export function createDeclineReasonConversation(deps: DecisionDeps) {
  return async function declineReason(conversation: BotConversation, ctx: ConversationContext, kind: string, id: number): Promise<void> {
    const admin = ctx.from;
    if (!admin) return;
    const reason = await ask(conversation, ctx, {
      // A forced reply addressed to this admin: in a group, the bot only sees replies to its own messages.
      text: html`✏️ <a href="tg://user?id=${admin.id}">${admin.first_name}</a>, type the reason for declining ${kind.toUpperCase()} #${id}. The user will read it. Send /cancel to leave it open.`,
      replyMarkup: { force_reply: true, selective: true, input_field_placeholder: 'Reason for the user' },
      check: (answer) => {
        const text = answer.kind === 'text' ? answer.text.trim() : '';
        return text.length >= 3 && text.length <= 500 ? valid(text) : invalid('Type a reason of 3 to 500 characters, e.g. The payment was not received.');
      },
    });
    const feedback = await conversation.external((outer) =>
      applyDecision(outer.api, deps, { kind, id, action: 'decline', from: admin, reason }),
    );
    await ctx.reply(feedback.alert ? feedback.text : html`Declined ${kind.toUpperCase()} #${id}. Reason sent to the user: ${reason}`.value);
  };
}

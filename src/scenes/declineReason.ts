import type { BotConversation, ConversationContext } from '../context.ts';
import { publishDecision, takeDecision, type DecisionDeps } from '../admin/decisions.ts';
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
      // In the group, only a reply to this prompt is the reason, never the admin's other chatter.
      repliesOnly: true,
      check: (answer) => {
        const text = answer.kind === 'text' ? answer.text.trim() : '';
        return text.length >= 3 && text.length <= 500 ? valid(text) : invalid('Type a reason of 3 to 500 characters, e.g. The payment was not received.');
      },
    });
    const outcome = await conversation.external(() => takeDecision(deps, { kind, id, action: 'decline', from: admin, reason }));
    await ctx.reply((outcome.applied ? html`Declined ${kind.toUpperCase()} #${id}. Reason sent to the user: ${reason}` : html`${outcome.text}`).value);
    if (outcome.applied) await conversation.external((outer) => publishDecision(outer.api, deps, kind, id));
  };
}

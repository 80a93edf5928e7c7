import type { BotConversation, ConversationContext } from '../../context.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import type { DecisionOutcome } from '../../telegram/cards.ts';
import { html } from '../../telegram/html.ts';
import { ask } from '../ask/ask.ts';

export const DECLINE_REASON = 'decline-reason';

export interface DeclineReasonDeps {
  /** e.g. "Withdrawal", for "declining Withdrawal #12". */
  labelOf(kind: string): string;
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  /** After the decision committed: sends its card's edit and the user's notification on their way (not awaited). */
  publish(decided: { ownerId?: number | null }): void;
}

/**
 * "Other reason": the admin who tapped types the reason (the conversation is theirs alone, even in the admin
 * group), then the decline is applied like any other. /cancel leaves the request open.
 */
export function createDeclineReasonConversation(deps: DeclineReasonDeps) {
  return async function declineReason(conversation: BotConversation, ctx: ConversationContext, kind: string, id: number): Promise<void> {
    const admin = ctx.from;
    if (!admin) return;
    const subject = `${deps.labelOf(kind)} #${id}`;
    const reason = await ask(conversation, ctx, {
      // In the group, ask() addresses a forced reply to this admin: only their reply to it is the reason.
      text: html`✏️ Type the reason for declining ${subject}. The user will read it. Send /cancel to leave it open.`,
      placeholder: 'Reason for the user',
      check: (answer) => {
        const text = answer.kind === 'text' ? answer.text.trim() : '';
        return text.length >= 3 && text.length <= 500 ? valid(text) : invalid('Type a reason of 3 to 500 characters, e.g. The payment was not received.');
      },
    });
    const outcome = await conversation.external(() => deps.decide({ kind, id, action: 'decline', from: admin, reason }));
    await ctx.reply((outcome.applied ? html`Declined ${subject}. Reason sent to the user: ${reason}` : html`${outcome.text}`).value);
    if (outcome.applied) await conversation.external(() => deps.publish(outcome));
  };
}

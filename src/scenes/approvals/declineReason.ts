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

const WORDS = {
  decline: { question: 'declining', placeholder: 'Reason for the user', leave: 'leave it open', example: 'The payment was not received.', done: 'Declined' },
  reopen: { question: 're-opening', placeholder: 'Why it is re-opened', leave: 'leave it as it is', example: 'The payment arrived late.', done: 'Re-opened' },
} as const;

/**
 * A typed reason for a decision: "Other reason" of a decline, or re-opening a declined request. The admin who tapped
 * types it (the conversation is theirs alone, even in the admin group), then the decision is applied like any other.
 * /cancel changes nothing.
 */
export function createDeclineReasonConversation(deps: DeclineReasonDeps) {
  return async function declineReason(
    conversation: BotConversation,
    ctx: ConversationContext,
    kind: string,
    id: number,
    action: 'decline' | 'reopen' = 'decline',
  ): Promise<void> {
    const admin = ctx.from;
    if (!admin) return;
    const subject = `${deps.labelOf(kind)} #${id}`;
    const words = WORDS[action];
    const reason = await ask(conversation, ctx, {
      // In the group, ask() addresses a forced reply to this admin: only their reply to it is the reason.
      text: html`✏️ Type the reason for ${words.question} ${subject}. The user will read it. Send /cancel to ${words.leave}.`,
      placeholder: words.placeholder,
      check: (answer) => {
        const text = answer.kind === 'text' ? answer.text.trim() : '';
        return text.length >= 3 && text.length <= 500 ? valid(text) : invalid(`Type a reason of 3 to 500 characters, e.g. ${words.example}`);
      },
    });
    const outcome = await conversation.external(() => deps.decide({ kind, id, action, from: admin, reason }));
    await ctx.reply((outcome.applied ? html`${words.done} ${subject}. Reason sent to the user: ${reason}` : html`${outcome.text}`).value);
    if (outcome.applied) await conversation.external(() => deps.publish(outcome));
  };
}

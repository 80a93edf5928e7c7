import type { BotConversation, ConversationContext } from '../../context.ts';
import type { AmountToConfirm } from '../../services/approvals/approvalKind.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { formatCrypto } from '../../services/common/amounts.ts';
import { valid, type Checked } from '../../services/common/validation.ts';
import type { DecisionOutcome } from '../../telegram/cards.ts';
import { html } from '../../telegram/html.ts';
import { ask, choose } from '../ask/ask.ts';

export const CONFIRM_AMOUNT = 'confirm-amount';

export interface ConfirmAmountDeps {
  labelOf(kind: string): string;
  amountToConfirm(kind: string, id: number): Promise<(AmountToConfirm & { check(text: string): Checked<string> }) | null>;
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  publish(decided: { ownerId?: number | null }): void;
}

/**
 * Approve on a kind that confirms an amount (a crypto deposit): when another request recorded the same transaction,
 * the admin first confirms it is a batch; then whether what the user stated arrived, and when not, they type the amount
 * that did (a forced reply in the group); the approval credits it. /cancel leaves the request pending.
 */
export function createConfirmAmountConversation(deps: ConfirmAmountDeps) {
  return async function confirmAmount(conversation: BotConversation, ctx: ConversationContext, kind: string, id: number): Promise<void> {
    const admin = ctx.from;
    const facts = await conversation.external(async () => {
      const found = await deps.amountToConfirm(kind, id);
      return found ? { stated: found.stated, unit: found.unit, sharedWith: found.sharedWith } : null;
    });
    if (!admin || !facts) return;
    const subject = `${deps.labelOf(kind)} #${id}`;
    let batch = false;
    if (facts.sharedWith.length > 0) {
      const answer = await choose(
        conversation,
        ctx,
        html`⚠️ The transaction of ${subject} was credited already, to ${facts.sharedWith.join(', ')}. Credit it again only if it is one batched transaction that paid several users (exchanges batch withdrawals): check on the explorer that it has an output for this deposit too.`,
        [[{ label: '🧺 Yes, a batch', value: 'batch' }, { label: '❌ No, leave it', value: 'no' }]],
      );
      if (answer === 'no') {
        await ctx.reply(html`Nothing was credited. ${subject} is still waiting: decline it if the transaction is not this user's.`.value);
        return;
      }
      batch = true;
    }
    const stated = formatCrypto(facts.stated, facts.unit);
    const arrived = await choose(conversation, ctx, html`Did ${stated} arrive for ${subject}, as the user said? Check the amount on the explorer: a fee may have been taken on the way.`, [
      [{ label: `✅ Yes, ${stated}`, value: 'stated' }],
      [{ label: '✏️ Another amount', value: 'other' }],
    ]);
    const amount =
      arrived === 'stated'
        ? facts.stated
        : await ask(conversation, ctx, {
            text: html`How much ${facts.unit} arrived for ${subject}? Type what the explorer shows. Send /cancel to leave it waiting.`,
            placeholder: `Amount in ${facts.unit}`,
            check: async (answer) => {
              const text = answer.kind === 'text' ? answer.text : '';
              return conversation.external(async () => (await deps.amountToConfirm(kind, id))?.check(text) ?? valid(text));
            },
          });
    const outcome = await conversation.external(() => deps.decide({ kind, id, action: 'approve', from: admin, confirmation: { amount, batch } }));
    await ctx.reply((outcome.applied ? html`✅ ${subject}: ${formatCrypto(amount, facts.unit)} credited to the user.` : html`${outcome.text}`).value);
    if (outcome.applied || outcome.cardChanged) await conversation.external(() => deps.publish(outcome));
  };
}

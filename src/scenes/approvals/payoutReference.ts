import type { BotConversation, ConversationContext } from '../../context.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { DecisionOutcome } from '../../telegram/cards.ts';
import { html } from '../../telegram/html.ts';
import { ask } from '../ask/ask.ts';

export const PAYOUT_REFERENCE = 'payout-reference';

export interface PayoutReferenceDeps {
  /** e.g. "Withdrawal", for "Withdrawal #12". */
  labelOf(kind: string): string;
  /** How a kind whose Paid takes a transaction hash asks for it (CardView.payoutReference); undefined for a MoMo or bank reference. */
  referenceOf(kind: string): { noun: string; placeholder: string } | undefined;
  /** The kind's own check of what was typed (a transaction hash per network), or null when it takes a MoMo or bank reference. */
  checkReference(kind: string, id: number, text: string): Promise<Checked<string> | null>;
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  /** After the decision committed: sends its card's edit and the user's notification on their way (not awaited). */
  publish(decided: { ownerId?: number | null }): void;
}

/** A MoMo transaction id or a bank reference: 4 to 64 letters, digits and - . / # spaces. */
export function checkPayoutReference(text: string): Checked<string> {
  const reference = text.trim().replace(/\s+/g, ' ');
  return /^[\p{L}\d][\p{L}\d ./#-]{3,63}$/u.test(reference)
    ? valid(reference)
    : invalid('Type the MoMo transaction id or the bank reference of the payment: 4 to 64 letters and digits, e.g. 51234567890.');
}

/**
 * Paid, by the admin who claimed the payout: they type the payout's reference (a forced reply addressed to them in the
 * admin group), then the approval is applied with it, and the user receives it with the notice. /cancel leaves it
 * unpaid and still claimed by them.
 */
export function createPayoutReferenceConversation(deps: PayoutReferenceDeps) {
  return async function payoutReference(conversation: BotConversation, ctx: ConversationContext, kind: string, id: number): Promise<void> {
    const admin = ctx.from;
    if (!admin) return;
    const subject = `${deps.labelOf(kind)} #${id}`;
    const own = deps.referenceOf(kind);
    const noun = own?.noun ?? 'the payout reference';
    const reference = await ask(conversation, ctx, {
      text: own
        ? html`🧾 Type ${noun} of your payout of ${subject}. The user will receive it. Send /cancel to leave it unpaid (still claimed by you).`
        : html`🧾 Type the MoMo transaction id or bank reference of your payout of ${subject}. The user will receive it. Send /cancel to leave it unpaid (still claimed by you).`,
      placeholder: own?.placeholder ?? 'MoMo transaction id or bank reference',
      check: async (answer) => {
        const text = answer.kind === 'text' ? answer.text : '';
        return (await conversation.external(() => deps.checkReference(kind, id, text))) ?? checkPayoutReference(text);
      },
    });
    const outcome = await conversation.external(() => deps.decide({ kind, id, action: 'approve', from: admin, payoutReference: reference }));
    await ctx.reply((outcome.applied ? html`✅ ${subject} is marked paid. The user was sent ${noun} ${reference}.` : html`${outcome.text}`).value);
    if (outcome.applied) await conversation.external(() => deps.publish(outcome));
  };
}

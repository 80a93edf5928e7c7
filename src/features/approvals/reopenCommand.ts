import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { DECLINE_REASON } from '../../scenes/approvals/declineReason.ts';
import { html } from '../../telegram/html.ts';
import { publishDecision, takeDecision, type DecisionDeps } from './decisions.ts';
import { showCardData } from './pendingCommand.ts';

const USAGE = html`Send /reopen with the reference and the reason, e.g. <code>/reopen BUY-7K2M9QXA The payment arrived late</code>.`;

/**
 * /reopen <reference> [reason]: an admin re-opens a declined or expired buy or deposit (the money came after all).
 * Without a reason typed after the reference, it is asked for (a forced reply in the group). The same row goes back
 * to pending, audited, and is decided on its card as usual.
 */
export async function reopenCommand(ctx: BotContext, deps: DecisionDeps): Promise<void> {
  const from = ctx.from;
  const [, referenceText = '', ...words] = (ctx.message?.text ?? '').trim().split(/\s+/u);
  const reference = referenceText.toUpperCase();
  if (!from || reference === '') {
    await ctx.reply(USAGE.value);
    return;
  }
  const found = await deps.approvals.findReopenable(reference);
  const card = found ? await deps.approvals.card(found.kind, found.id) : null;
  if (!found || !card) {
    await ctx.reply(html`No buy or deposit has the reference <code>${reference}</code>. Check it on the card or in the user's message.`.value);
    return;
  }
  const label = deps.cards.view(found.kind)?.label ?? found.kind;
  const showCard = new InlineKeyboard().text(`Show ${label} #${found.id}`, showCardData(found.kind, found.id));
  if (card.status !== 'declined') {
    const state = card.status === 'pending' ? 'is waiting for a decision already' : 'is approved';
    await ctx.reply(html`${label} #${found.id} (${reference}) ${state}: only a declined or expired one can be re-opened.`.value, { reply_markup: showCard });
    return;
  }
  const reason = words.join(' ');
  if (reason.length < 3) {
    await ctx.conversation.enter(DECLINE_REASON, found.kind, found.id, 'reopen');
    return;
  }
  const outcome = await takeDecision(deps, { kind: found.kind, id: found.id, action: 'reopen', from, reason });
  await ctx.reply((outcome.applied ? html`↩️ Re-opened ${label} #${found.id} (${reference}). Reason sent to the user: ${reason}` : html`${outcome.text}`).value, {
    reply_markup: showCard,
  });
  if (outcome.applied) publishDecision(deps, outcome);
}

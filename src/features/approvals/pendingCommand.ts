import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { PendingRequest } from '../../services/approvals/approvalKind.ts';
import type { ApprovalService } from '../../services/approvals/approvals.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

const SHOWN = 20;
export const SHOW_CARD = /^pc:([a-z_]+):(\d+)$/;

/**
 * Waiting requests as numbered lines (at most 20, then how many more), each with a button that posts its card
 * again where it was tapped. `when` words each request's time, e.g. when it was submitted.
 */
export function pendingList(
  pending: readonly PendingRequest[],
  cards: Pick<CardPublisher, 'view'>,
  when: (request: PendingRequest) => string,
): { lines: SafeHtml; keyboard: InlineKeyboard } {
  const shown = pending.slice(0, SHOWN);
  const lines = shown.map((request, index) => html`${index + 1}. ${cards.view(request.kind)?.pendingSummary(request) ?? `${request.kind} #${request.id}`} · ${when(request)}`);
  const more = pending.length > SHOWN ? [html`…and ${pending.length - SHOWN} more; decide these first.`] : [];
  const keyboard = new InlineKeyboard();
  shown.forEach((request, index) => {
    keyboard.text(`${index + 1}. Show #${request.id}`, `pc:${request.kind}:${request.id}`);
    if (index % 2 === 1) keyboard.row();
  });
  return { lines: joinHtml([...lines, ...more]), keyboard };
}

/** /pending: the waiting requests of every kind, oldest first, each with a button that posts its card again here. */
export async function showPending(ctx: BotContext, deps: { approvals: ApprovalService; cards: CardPublisher }): Promise<void> {
  const pending = await deps.approvals.listPending();
  if (pending.length === 0) {
    await ctx.reply('✅ Nothing is waiting for a decision.');
    return;
  }
  const { lines, keyboard } = pendingList(pending, deps.cards, (request) => formatWhen(request.submittedAt));
  await ctx.reply(html`📋 <b>Waiting requests</b> (${pending.length}, oldest first)\n\n${lines}`.value, { reply_markup: keyboard });
}

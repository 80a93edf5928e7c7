import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { ApprovalService } from '../../services/approvals/approvals.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, joinHtml } from '../../telegram/html.ts';

const SHOWN = 20;
export const SHOW_CARD = /^pc:([a-z_]+):(\d+)$/;

/** /pending: the waiting requests of every kind, oldest first, each with a button that posts its card again here. */
export async function showPending(ctx: BotContext, deps: { approvals: ApprovalService; cards: CardPublisher }): Promise<void> {
  const pending = await deps.approvals.listPending();
  if (pending.length === 0) {
    await ctx.reply('✅ Nothing is waiting for a decision.');
    return;
  }
  const shown = pending.slice(0, SHOWN);
  const lines = shown.map(
    (request, index) => html`${index + 1}. ${deps.cards.view(request.kind)?.pendingSummary(request) ?? `${request.kind} #${request.id}`} · ${formatWhen(request.submittedAt)}`,
  );
  const more = pending.length > SHOWN ? html`\n…and ${pending.length - SHOWN} more; decide these first.` : html``;
  const keyboard = new InlineKeyboard();
  shown.forEach((request, index) => {
    keyboard.text(`${index + 1}. Show #${request.id}`, `pc:${request.kind}:${request.id}`);
    if (index % 2 === 1) keyboard.row();
  });
  await ctx.reply(html`📋 <b>Waiting requests</b> (${pending.length}, oldest first)\n\n${joinHtml(lines)}${more}`.value, {
    reply_markup: keyboard,
  });
}

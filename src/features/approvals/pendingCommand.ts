import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { WaitingRequest } from '../../services/approvals/approvalKind.ts';
import type { ApprovalService, QueueSummary } from '../../services/approvals/approvals.ts';
import type { PaymentService } from '../../services/wallet/payments.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

/** Requests listed by /pending and a reminder: the rest are counted. */
export const PENDING_SHOWN = 20;
export const SHOW_CARD = /^pc:([a-z_]+):(\d+)$/;

/** A button's data that posts a request's card again where it is tapped. */
export function showCardData(kind: string, id: number): string {
  return `pc:${kind}:${id}`;
}

/** How many requests wait of each kind, the longest-waiting kind first, e.g. "KYC verification 2, Deposit 21". */
export function waitingByKind(summary: Pick<QueueSummary, 'byKind'>, cards: Pick<CardPublisher, 'view'>): string {
  return summary.byKind.map(({ kind, count }) => `${cards.view(kind)?.label ?? kind} ${count}`).join(', ');
}

/**
 * Waiting requests as numbered lines (the first 20 of `waiting`, oldest first, whose facts alone are read; then how
 * many more of `total`), each with a button that posts its card again where it was tapped. `when` words each
 * request's time, e.g. when it was submitted.
 */
export async function pendingList(
  waiting: readonly WaitingRequest[],
  total: number,
  deps: { approvals: Pick<ApprovalService, 'withFacts'>; cards: Pick<CardPublisher, 'view'> },
  when: (request: WaitingRequest) => string,
): Promise<{ lines: SafeHtml; keyboard: InlineKeyboard }> {
  const shown = await deps.approvals.withFacts(waiting.slice(0, PENDING_SHOWN));
  const lines = shown.map((request, index) => html`${index + 1}. ${deps.cards.view(request.kind)?.pendingSummary(request) ?? `${request.kind} #${request.id}`} · ${when(request)}`);
  const more = total > PENDING_SHOWN ? [html`…and ${total - PENDING_SHOWN} more; decide these first.`] : [];
  const keyboard = new InlineKeyboard();
  shown.forEach((request, index) => {
    keyboard.text(`${index + 1}. Show #${request.id}`, showCardData(request.kind, request.id));
    if (index % 2 === 1) keyboard.row();
  });
  return { lines: joinHtml([...lines, ...more]), keyboard };
}

/**
 * /pending: how many requests wait of each kind, then the oldest 20 (all that is read of them), each with a button
 * that posts its card again here.
 */
export async function showPending(
  ctx: BotContext,
  deps: { approvals: ApprovalService; cards: CardPublisher; payments: Pick<PaymentService, 'countAwaiting'> },
): Promise<void> {
  const [summary, awaitingPayment] = await Promise.all([deps.approvals.queueSummary(PENDING_SHOWN), deps.payments.countAwaiting()]);
  // Buys and deposits whose payment the user has not reported yet: no card, nothing to decide, only counted.
  const awaiting = awaitingPayment > 0 ? html`\n\n💳 Awaiting payment (no card until the user reports paying): ${awaitingPayment}` : html``;
  if (summary.total === 0) {
    await ctx.reply(html`✅ Nothing is waiting for a decision.${awaiting}`.value);
    return;
  }
  const { lines, keyboard } = await pendingList(summary.oldest, summary.total, deps, (request) => formatWhen(request.submittedAt));
  await ctx.reply(html`📋 <b>Waiting requests</b> (${summary.total}, oldest first): ${waitingByKind(summary, deps.cards)}\n\n${lines}${awaiting}`.value, {
    reply_markup: keyboard,
  });
}

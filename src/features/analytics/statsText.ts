import type { BusinessSnapshot, DayReport, MoneyKind, MoneyMoved } from '../../services/analytics/stats.ts';
import type { QueueSummary } from '../../services/approvals/approvals.ts';
import { formatCrypto, formatGhs, formatMoney } from '../../services/common/amounts.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import { formatAge, formatCalendarDate, formatDateTime } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { waitingByKind } from '../approvals/pendingCommand.ts';

export const MONEY_KIND_LABELS: Readonly<Record<MoneyKind, string>> = {
  buy: 'Buys',
  sell: 'Sells',
  deposit: 'Deposits',
  withdrawal: 'Withdrawals',
  gift_card: 'Gift cards',
  market: 'Market trades',
  crypto_deposit: 'Crypto received',
  crypto_withdrawal: 'Crypto sent',
};

/** A block of money moved: the total, then one line per kind, e.g. "Buys: 3 · GHS 1,500.00". */
export function moneyMovedText(heading: string, moved: MoneyMoved): SafeHtml {
  const lines = moved.byKind.map((row) => html`  ${MONEY_KIND_LABELS[row.kind]}: ${row.count} · ${formatGhs(row.ghs)}`);
  return joinHtml([html`<b>${heading}</b>: ${moved.count} · ${formatGhs(moved.ghs)}`, ...lines]);
}

/** The waiting requests by kind and how long the oldest has waited, e.g. "3 (Buy 2, Withdrawal 1), oldest 2 hours". */
export function pendingQueueText(pending: QueueSummary, cards: Pick<CardPublisher, 'view'>, now: Date): SafeHtml {
  const [longest] = pending.byKind;
  if (!longest) return html`⏳ <b>Waiting for a decision</b>: none`;
  return html`⏳ <b>Waiting for a decision</b>: ${pending.total} (${waitingByKind(pending, cards)}), the oldest for ${formatAge(longest.oldestAt, now)}. Send /pending to decide them.`;
}

/** /stats: users, verification, money moved by window, the queue, gift cards and the market. */
export function statsText(snapshot: BusinessSnapshot, pending: QueueSummary, cards: Pick<CardPublisher, 'view'>, asset: string): SafeHtml {
  const { users, kyc, market } = snapshot;
  const joined = users.joined;
  const giftCards =
    snapshot.topGiftCards.length === 0
      ? [html`  none approved yet`]
      : snapshot.topGiftCards.map(
          (card, index) =>
            html`  ${index + 1}. ${card.name}: ${card.trade_ins} trade-in${card.trade_ins === 1 ? '' : 's'} · ${formatMoney(card.face_value, card.currency)} face value · ${formatGhs(card.payout_ghs)} paid`,
        );
  return joinHtml([
    html`📊 <b>Desk statistics</b> · ${formatDateTime(snapshot.at)} (days in Accra time)`,
    html``,
    html`👥 <b>Users</b>: ${users.total} · new today ${joined.Today} · 7 days ${joined['Last 7 days']} · 30 days ${joined['Last 30 days']}`,
    html`🪪 <b>Verification</b>: ${kyc.registered} registered → ${kyc.submitted} sent documents → ${kyc.approved} approved · ${kyc.rejected} rejected · ${kyc.waiting} waiting`,
    html``,
    html`💵 <b>Money moved</b> (approved requests by decision time, market trades by fill)`,
    joinHtml(snapshot.moneyMoved.map(({ window, moved }) => moneyMovedText(window, moved)), '\n\n'),
    html``,
    pendingQueueText(pending, cards, snapshot.at),
    html``,
    html`🎁 <b>Top gift cards</b> (30 days, by payout)`,
    joinHtml(giftCards),
    html``,
    html`📈 <b>Market</b>: ${market.open_buy} open buy and ${market.open_sell} open sell orders; ${formatCrypto(market.crypto_volume, asset)} traded in 30 days`,
  ]);
}

/** The morning digest: yesterday in figures, and what is waiting now. */
export function digestText(report: DayReport, pending: QueueSummary, cards: Pick<CardPublisher, 'view'>, now: Date): SafeHtml {
  return joinHtml([
    html`☀️ <b>Daily digest for ${formatCalendarDate(report.day)}</b>`,
    html``,
    html`👥 New users: ${report.newUsers}`,
    html`🪪 Verifications: ${report.kycDecisions.approved} approved · ${report.kycDecisions.rejected} rejected`,
    moneyMovedText('💵 Money moved', report.moneyMoved),
    html``,
    pendingQueueText(pending, cards, now),
    html``,
    html`Send /stats for the last 30 days and a chart.`,
  ]);
}

import type { PaystackReconciliation } from '../services/paystack/paystack.ts';
import { formatGhs } from '../services/common/amounts.ts';
import { html, joinHtml, type SafeHtml } from './html.ts';

/** A day's money through Paystack against the ledger, as /stats and the nightly reconciliation show it. */
export function paystackDayText(title: string, day: PaystackReconciliation): SafeHtml {
  const { figures } = day;
  return joinHtml([
    html`💳 <b>${title}</b>`,
    html`Collected: ${formatGhs(figures.confirmed_ghs)} confirmed by Paystack in ${figures.charges} payment(s); in the ledger ${formatGhs(figures.credited_ghs)} credited, ${formatGhs(figures.awaiting_admin_ghs)} awaiting an admin.`,
    html`Paid out: ${formatGhs(figures.sent_ghs)} sent by Paystack in ${figures.transfers} transfer(s); ${formatGhs(figures.paid_in_ledger_ghs)} paid in the ledger.`,
    ...(figures.reversed_transfers > 0
      ? [html`Came back: ${formatGhs(figures.reversed_ghs)} reversed by Paystack in ${figures.reversed_transfers} transfer(s); ${formatGhs(figures.returned_in_ledger_ghs)} reserved again in the ledger.`]
      : []),
    day.mismatches.length === 0 ? html`✅ Paystack and the ledger agree.` : joinHtml(day.mismatches.map((mismatch) => html`⚠️ ${mismatch}.`)),
  ]);
}

import type { PaymentKind, ReportResult } from '../services/wallet/payments.ts';
import { InlineKeyboard } from 'grammy';
import { html, joinHtml, type SafeHtml } from './html.ts';

/** A report that was not taken, reduced to what its words need (a conversation keeps it between replays). */
export type ReportRefusal =
  | { status: 'already_reported' }
  | { status: 'closed'; approved: boolean }
  | { status: 'not_found' }
  | { status: 'invalid_image'; reason: string };

export function reportRefusal(result: Exclude<ReportResult, { status: 'reported' }>): ReportRefusal {
  switch (result.status) {
    case 'already_reported':
    case 'not_found':
      return { status: result.status };
    case 'closed':
      return { status: 'closed', approved: result.request.status === 'approved' };
    case 'invalid_image':
      return result;
  }
}

/** How to report the payment of a request later, and what happens if it is never paid. */
export function payLaterText(reference: string): SafeHtml {
  return html`⏸ Your request <b>${reference}</b> stays open for 24 hours. Once you have paid (with ${reference} in the payment note), reply to the payment message above with the screenshot, or tap <b>I have paid</b> beside it in /history. If you do not pay, do nothing: it closes by itself.`;
}

const NOUN: Record<PaymentKind, string> = { buy: 'purchase', deposit: 'deposit' };

/** The thanks for a payment reported outside the conversation (a reply, a tap in /history, a screenshot). */
export function reportedText(kind: PaymentKind, reference: string): SafeHtml {
  return html`✅ Thank you! Your ${NOUN[kind]} <b>${reference}</b> is reported paid and waiting for our team to confirm the payment. I'll message you as soon as it is done.`;
}

/** Why a report changed nothing, and what to do. */
export function reportNotTakenText(refusal: ReportRefusal, reference: string): SafeHtml {
  switch (refusal.status) {
    case 'already_reported':
      return html`Your payment for <b>${reference}</b> is already reported; nothing changed. Our team is checking it, and I'll message you when it is done.`;
    case 'closed':
      return refusal.approved
        ? html`<b>${reference}</b> is already complete; nothing changed. Do not pay for it again.`
        : html`<b>${reference}</b> was closed before your payment was reported, so nothing changed. Do not pay again: if you paid, send /support with the reference ${reference} and our team can re-open it.`;
    case 'not_found':
      return html`I could not find a request <b>${reference}</b> of yours. Check the reference in /history.`;
    case 'invalid_image':
      return html`${refusal.reason} Your request <b>${reference}</b> is still open: send the screenshot again as a reply to its payment message, or tap <b>I have paid</b> beside it in /history.`;
  }
}

/** "I have paid" on a request awaiting payment, outside its conversation (/history, the expiry notice). */
export const REPORT_PAID = /^paid:(buy|deposit):(\d+)$/;

export function reportPaidData(kind: PaymentKind, id: number): string {
  return `paid:${kind}:${id}`;
}

/** One "I have paid" button per request awaiting payment. */
export function reportPaidKeyboard(requests: readonly { kind: PaymentKind; id: number; reference: string }[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const request of requests) keyboard.text(`✅ I have paid ${request.reference}`, reportPaidData(request.kind, request.id)).row();
  return keyboard;
}

/**
 * What the user hears of their requests awaiting payment when what they were doing has closed: they are saved, not to
 * pay again, and how to report a payment made; null when none await.
 */
export function awaitingPaymentNotice(requests: readonly { kind: PaymentKind; id: number; reference: string }[]): { text: SafeHtml; keyboard: InlineKeyboard } | null {
  if (requests.length === 0) return null;
  const lines = joinHtml(requests.map((request) => html`• Your ${NOUN[request.kind]} <code>${request.reference}</code>`));
  return {
    text: html`Still open with its reference; if you already paid, do not pay again:\n${lines}\nIf you have paid, send the screenshot here as a reply to the payment message, or tap <b>I have paid</b> below.`,
    keyboard: reportPaidKeyboard(requests),
  };
}

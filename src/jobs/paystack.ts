import type { Api } from 'grammy';
import type { PaystackService } from '../services/paystack/paystack.ts';
import { html } from '../telegram/html.ts';
import { formatGhs, fromPesewas } from '../services/common/amounts.ts';
import { paystackDayText } from '../telegram/paystackReconciliation.ts';
import { calendarDay, startOfDay } from '../services/common/calendar.ts';
import type { Logger } from '../logger.ts';
import type { Job, JobOutcome } from './job.ts';

export interface PaystackJobDeps {
  paystack: PaystackService;
  /** What follows worked events and settled charges: their notices and cards go out. */
  afterWork: () => Promise<unknown>;
  api: Api;
  adminChatId: number;
}

/**
 * Works the stored Paystack events not worked yet (the webhook's own run crashed, or verify could not answer), at
 * start and every 15 seconds; every instance may run it (a credit is one guarded update).
 */
export function paystackEventsJob(deps: PaystackJobDeps): Job {
  return {
    name: 'paystack-events',
    schedule: '*/15 * * * * *',
    runAtStart: true,
    quietWhenIdle: true,
    run: async () => {
      const worked = await deps.paystack.processEvents();
      if (worked > 0) await deps.afterWork();
      return { worked };
    },
  };
}

/** Verifies the charges and transfers with no outcome 5 minutes after they were made (a webhook that never came), every minute. */
export function paystackUnconfirmedJob(deps: PaystackJobDeps): Job {
  return {
    name: 'paystack-unconfirmed',
    schedule: '0 * * * * *',
    slotMinutes: 1,
    run: async (now) => {
      const settled = await deps.paystack.verifyUnconfirmed(now);
      if (settled > 0) await deps.afterWork();
      return { settled };
    },
  };
}

/**
 * Tells the admin group of every Paystack payment that could not be credited as asked, and every payout reversed or
 * needing a look; a failed send is tried again.
 */
export async function alertPaystackReviews(deps: PaystackJobDeps, now: Date): Promise<JobOutcome> {
  const alerts = await deps.paystack.takeReviewAlerts(now);
  const failures: unknown[] = [];
  for (const charge of alerts) {
    const text = html`⚠️ <b>Paystack payment not credited</b>\n\nRequest ${charge.requestReference}, payment ${charge.reference} (${charge.network} ${charge.phone}): ${charge.failure_reason ?? 'it does not match the request'}.\n\nNothing was credited. Check the payment in the Paystack dashboard, then credit or refund it by hand.`;
    try {
      await deps.api.sendMessage(deps.adminChatId, text.value);
    } catch (error) {
      await deps.paystack.forgetAlert(charge.id);
      failures.push(error);
    }
  }
  const transfers = await deps.paystack.takeTransferAlerts(now);
  for (const transfer of transfers) {
    const amount = formatGhs(fromPesewas(transfer.amount_pesewas));
    const text =
      transfer.status === 'reversed'
        ? html`↩️ <b>Paystack reversed a payout</b>\n\nWithdrawal ${transfer.withdrawalReference}, transfer ${transfer.reference} (${amount}): ${transfer.failure_reason ?? 'reversed'}.\n\nThe withdrawal is pending again with its cedis reserved, and the user was told. Check the destination, then pay it again from its card.`
        : html`⚠️ <b>Paystack payout needs a look</b>\n\nWithdrawal ${transfer.withdrawalReference}, transfer ${transfer.reference} (${amount}): ${transfer.failure_reason ?? 'it does not match the payout'}.\n\nCheck the transfer in the Paystack dashboard, then settle the withdrawal from its card.`;
    try {
      await deps.api.sendMessage(deps.adminChatId, text.value);
    } catch (error) {
      await deps.paystack.forgetTransferAlert(transfer.id);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} Paystack alerts could not be sent`);
  return { alerted: alerts.length + transfers.length };
}

/**
 * Nightly: yesterday's money through Paystack against the ledger (Accra's calendar day); a mismatch goes to the admin
 * group, agreement to the log only.
 */
export async function reconcilePaystack(deps: PaystackJobDeps & { logger: Logger }, now: Date): Promise<JobOutcome> {
  const day = await deps.paystack.reconcileDay(startOfDay(now, -1));
  deps.logger.info({ ...day.figures, mismatches: day.mismatches.length }, 'Paystack reconciliation');
  if (day.mismatches.length > 0) await deps.api.sendMessage(deps.adminChatId, paystackDayText(`Paystack reconciliation for ${calendarDay(startOfDay(now, -1))}: a mismatch`, day).value);
  return { mismatches: day.mismatches.length };
}

export function reconcilePaystackJob(deps: PaystackJobDeps & { logger: Logger }): Job {
  return { name: 'reconcile-paystack', schedule: '0 15 3 * * *', slotMinutes: 1440, run: (now) => reconcilePaystack(deps, now) };
}

export function paystackReviewAlertsJob(deps: PaystackJobDeps): Job {
  return { name: 'paystack-review-alerts', schedule: '30 * * * * *', slotMinutes: 1, run: (now) => alertPaystackReviews(deps, now) };
}

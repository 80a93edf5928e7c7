import type { Api } from 'grammy';
import type { Logger } from '../logger.ts';
import type { MetricsReconciliation, ReconciliationResult } from '../services/analytics/metricsReconciliation.ts';
import { html, joinHtml } from '../telegram/html.ts';
import type { Job, JobOutcome } from './job.ts';

export interface ReconciliationJobDeps {
  metrics: MetricsReconciliation;
  api: Api;
  adminChatId: number;
  logger: Logger;
}

const LISTED = 15;

function driftReport(result: ReconciliationResult) {
  const lines = result.corrected
    .slice(0, LISTED)
    .map(({ userId, changes }) => html`• User #${userId}: ${changes.map((change) => `${change.field} ${change.stored} → ${change.recomputed}`).join('; ')}`);
  const more = result.corrected.length > LISTED ? [html`…and ${result.corrected.length - LISTED} more (see the log).`] : [];
  return joinHtml([
    html`🧮 <b>Trading metrics corrected for ${result.corrected.length} of ${result.checked} users</b>`,
    html`user_metrics no longer matched the trades and the ledger they summarise; they were recomputed from them:`,
    ...lines,
    ...more,
  ]);
}

/**
 * Recomputes user_metrics from the trades and the ledger and corrects any drift, telling the admin chat what it corrected
 * (a drift means a bug or a hand edit, worth a look); silent when everything matched.
 */
export async function reconcileUserMetrics(deps: ReconciliationJobDeps): Promise<JobOutcome> {
  const result = await deps.metrics.reconcile();
  for (const drift of result.corrected) deps.logger.warn({ user_id: drift.userId, changes: drift.changes }, 'user metrics drifted from the trades and the ledger; corrected');
  if (result.corrected.length > 0) await deps.api.sendMessage(deps.adminChatId, driftReport(result).value);
  return { checked: result.checked, corrected: result.corrected.length };
}

/** Every night at 03:00 in Accra, once across instances. */
export function reconcileUserMetricsJob(deps: ReconciliationJobDeps): Job {
  return { name: 'reconcile-user-metrics', schedule: '0 0 3 * * *', slotMinutes: 1440, run: () => reconcileUserMetrics(deps) };
}

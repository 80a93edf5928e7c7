import type { Api } from 'grammy';
import type { Logger } from '../logger.ts';
import { formatPrice } from '../services/common/amounts.ts';
import type { Clock } from '../services/platform/clock.ts';
import type { RateService } from '../services/rates/rates.ts';
import { formatAge, formatWhen } from '../telegram/format.ts';
import { html } from '../telegram/html.ts';
import type { Job, JobOutcome } from './job.ts';

export interface RateJobDeps {
  rates: RateService;
  clock: Clock;
  api: Api;
  adminChatId: number;
  asset: string;
  logger: Logger;
}

/**
 * Fetches the live price; when the newest price is older than 15 minutes, tells the admin chat once, until a
 * fresh price arrives. In manual mode, reminds the admin chat once a day while the price is over 24 hours old.
 */
export async function runRateJob(deps: RateJobDeps): Promise<JobOutcome> {
  const result = await deps.rates.refresh();
  const updated = { price_updated: result.status === 'updated' ? 1 : 0 };
  if (result.status === 'updated') deps.logger.debug({ price: result.priceGhs }, 'live price updated');
  const reminder = await deps.rates.manualPriceReminderDue();
  if (reminder) {
    await deps.api.sendMessage(
      deps.adminChatId,
      html`📌 <b>The ${deps.asset} price was set by hand ${formatAge(reminder.setAt, deps.clock())} ago</b> (${formatPrice(reminder.priceGhs)}) and every trade is still quoted from it. Check it with /rates, or choose a live source in /settings.`.value,
    );
  }
  const stale = await deps.rates.staleAlertDue();
  if (!stale) return updated;
  const since = stale.lastPriceAt ? `since ${formatWhen(stale.lastPriceAt)}` : 'at all yet';
  await deps.api.sendMessage(
    deps.adminChatId,
    html`⚠️ <b>The ${deps.asset} price has not updated ${since}.</b> Buying and selling are paused until it does. Check the live source in /settings, or set the price by hand with /rates.`.value,
  );
  return updated;
}

/** Once a minute, once per minute across all instances. */
export function refreshRatesJob(deps: RateJobDeps): Job {
  return { name: 'rates', schedule: '0 * * * * *', slotMinutes: 1, runAtStart: true, run: () => runRateJob(deps) };
}

import type { Api } from 'grammy';
import type { Logger } from '../logger.ts';
import type { RateService } from '../services/rates/rates.ts';
import { formatWhen } from '../telegram/format.ts';
import { html } from '../telegram/html.ts';
import type { Job } from './job.ts';

export interface RateJobDeps {
  rates: RateService;
  api: Api;
  adminChatId: number;
  asset: string;
  logger: Logger;
}

/** Fetches the live price; when the newest price is older than 15 minutes, tells the admin chat once, until a fresh price arrives. */
export async function runRateJob(deps: RateJobDeps): Promise<void> {
  const result = await deps.rates.refresh();
  if (result.status === 'updated') deps.logger.debug({ price: result.priceGhs }, 'live price updated');
  const stale = await deps.rates.staleAlertDue();
  if (!stale) return;
  const since = stale.lastPriceAt ? `since ${formatWhen(stale.lastPriceAt)}` : 'at all yet';
  await deps.api.sendMessage(
    deps.adminChatId,
    html`⚠️ <b>The ${deps.asset} price has not updated ${since}.</b> Buying and selling are paused until it does. Check the live source in /settings, or set the price by hand with /rates.`.value,
  );
}

/** Once a minute, once per minute across all instances. */
export function refreshRatesJob(deps: RateJobDeps): Job {
  return { name: 'rates', schedule: '0 * * * * *', oncePerSlot: true, runAtStart: true, run: () => runRateJob(deps) };
}

import type { Api } from 'grammy';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { JobSlots } from '../services/jobSlots.ts';
import type { RateService } from '../services/rates.ts';
import { formatWhen } from '../ui/format.ts';
import { html } from '../ui/html.ts';

/**
 * Once a minute (once per minute across all instances): fetch the live price; when the newest price is older
 * than 15 minutes, tell the admin chat once, until a fresh price arrives.
 */
export async function runRateJob(deps: { rates: RateService; api: Api; adminChatId: number; asset: string; logger: Logger }): Promise<void> {
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

export function scheduleRateJob(deps: Parameters<typeof runRateJob>[0] & { slots: JobSlots }): ScheduledTask {
  return cron.schedule(
    '0 * * * * *',
    async (context) => {
      try {
        if (await deps.slots.claim('rates', context.date)) await runRateJob(deps);
      } catch (error) {
        deps.logger.error({ err: error }, 'rate job failed');
      }
    },
    { name: 'refresh-rates', noOverlap: true },
  );
}

import { InlineKeyboard, type Api } from 'grammy';
import type { Logger } from '../logger.ts';
import { formatPrice } from '../services/common/amounts.ts';
import type { Clock } from '../services/platform/clock.ts';
import type { RateService, RefusedPriceRow } from '../services/rates/rates.ts';
import { formatAge, formatWhen } from '../telegram/format.ts';
import { html, type SafeHtml } from '../telegram/html.ts';
import type { Job, JobOutcome } from './job.ts';

export interface RateJobDeps {
  rates: RateService;
  clock: Clock;
  api: Api;
  adminChatId: number;
  asset: string;
  logger: Logger;
}

const SOURCE_NAMES: Record<RefusedPriceRow['compared_source'], string> = { coinmarketcap: 'CoinMarketCap', coingecko: 'CoinGecko', manual: 'set by hand' };

/** The accept button of a refused live price: its id only. */
export const ACCEPT_REFUSED_PRICE = /^rates:accept:(\d+)$/;
export const acceptRefusedPriceData = (id: number) => `rates:accept:${id}`;

/** The admin chat's message about a refused live price (and, once decided, what became of it). */
export function refusedPriceText(refused: RefusedPriceRow, now: Date, outcome?: SafeHtml): SafeHtml {
  const compared = html`${formatPrice(refused.compared_with_ghs)} (${SOURCE_NAMES[refused.compared_source]}, ${formatAge(refused.compared_fetched_at, now)} ago)`;
  const body = html`⚠️ <b>A live ${refused.asset} price was refused</b>: ${SOURCE_NAMES[refused.source]} said ${formatPrice(refused.price_ghs)} at ${formatWhen(refused.fetched_at, now)}, more than 50% away from ${compared}, so it was not used.`;
  if (outcome) return html`${body}\n\n${outcome}`;
  return html`${body}

If the market really moved that far, accept it: it becomes the price, and the next live prices are checked against it. Otherwise check the live source in /settings, or set the price by hand with /rates. I remind you hourly while prices are refused.`;
}

/**
 * Fetches the live price; a price the sanity check refused goes to the admin chat with a button to accept it (at
 * most hourly). When the newest price is older than 15 minutes, tells the admin chat once, until a fresh price
 * arrives. In manual mode, reminds the admin chat once a day while the price is over 24 hours old.
 */
export async function runRateJob(deps: RateJobDeps): Promise<JobOutcome> {
  const result = await deps.rates.refresh();
  const updated = { price_updated: result.status === 'updated' ? 1 : 0 };
  if (result.status === 'updated') deps.logger.debug({ price: result.priceGhs }, 'live price updated');
  if (result.status === 'refused' && result.alert) {
    await deps.api.sendMessage(deps.adminChatId, refusedPriceText(result.alert, deps.clock()).value, {
      reply_markup: new InlineKeyboard().text(`✅ Use ${formatPrice(result.alert.price_ghs)}`, acceptRefusedPriceData(result.alert.id)),
    });
  }
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

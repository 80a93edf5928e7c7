import type { Logger } from '../logger.ts';
import type { MarketService } from '../services/market/market.ts';
import type { NotificationDelivery } from '../services/notifications/delivery.ts';
import type { Clock } from '../services/platform/clock.ts';
import type { Job } from './job.ts';

export interface ExpiryJobDeps {
  market: Pick<MarketService, 'expireDue'>;
  delivery: NotificationDelivery;
  /** The time orders are expired at (tests move it). */
  clock: Clock;
  logger: Logger;
}

/** Cancels the market orders whose time is up, releases what they reserved and tells their owners at once. */
export async function runExpiryJob(deps: ExpiryJobDeps): Promise<number> {
  const expired = await deps.market.expireDue(deps.clock());
  if (expired > 0) {
    deps.logger.info({ expired }, 'market orders expired');
    await deps.delivery.deliverDue();
  }
  return expired;
}

/** Once a minute, once per minute across all instances. */
export function expireMarketOrdersJob(deps: ExpiryJobDeps): Job {
  return {
    name: 'expire-market-orders',
    schedule: '30 * * * * *',
    slotMinutes: 1,
    run: async () => ({ expired: await runExpiryJob(deps) }),
  };
}

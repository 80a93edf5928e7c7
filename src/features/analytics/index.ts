import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { dailyDigestJob } from '../../jobs/dailyDigest.ts';
import { pruneAnalyticsEventsJob } from '../../jobs/pruneAnalyticsEvents.ts';
import { reconcileUserMetricsJob } from '../../jobs/reconcileUserMetrics.ts';
import { createAnalyticsServices } from '../../services/analytics/analytics.ts';
import { defineModule } from '../module.ts';
import { eventsMiddleware } from './eventsMiddleware.ts';
import { showStats } from './statsCommand.ts';

/**
 * Analytics: what users do (events recorded around every update), the business in figures (/stats with a
 * chart, the morning digest), and their upkeep (user_metrics checked nightly, old events deleted).
 */
export const analyticsModule = defineModule({
  name: 'analytics',
  services: (shared) => createAnalyticsServices(shared),
  commands: [{ command: 'stats', description: 'Business figures and a chart of the last 30 days', position: 240, adminOnly: true, adminMenuButton: '📊 Statistics' }],
  onStop: (analytics) => analytics.events.stop(),
  telegram(deps) {
    const { kernel, services: analytics } = deps;
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'stats', (ctx) =>
      showStats(ctx, { stats: analytics.stats, approvals: kernel.approvals, cards: deps.cards, clock: kernel.clock, asset: kernel.asset, paystack: kernel.paystack }),
    );
    return { composer, middleware: eventsMiddleware({ events: analytics.events, sessions: analytics.sessions, menu: deps.menu, logger: deps.logger }) };
  },
  jobs: (deps) => {
    const { kernel, services: analytics } = deps;
    const adminChatId = deps.config.adminChatId;
    return [
      dailyDigestJob({ stats: analytics.stats, approvals: kernel.approvals, cards: deps.cards, api: deps.api, adminChatId }),
      reconcileUserMetricsJob({ metrics: analytics.metrics, api: deps.api, adminChatId, logger: deps.logger }),
      pruneAnalyticsEventsJob(analytics.retention),
    ];
  },
});

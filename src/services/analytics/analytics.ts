import type { SharedServices } from '../index.ts';
import { createAnalyticsRecorder, type AnalyticsRecorder } from './events.ts';
import { createMetricsReconciliation, type MetricsReconciliation } from './metricsReconciliation.ts';
import { createAnalyticsRetention, type AnalyticsRetention } from './retention.ts';
import { createSessionTracker, type SessionTracker } from './sessions.ts';
import { createStatsService, type StatsService } from './stats.ts';

/** The analytics domain: events as users use the bot, business figures, and the upkeep of both. */
export interface AnalyticsServices {
  events: AnalyticsRecorder;
  sessions: SessionTracker;
  stats: StatsService;
  metrics: MetricsReconciliation;
  retention: AnalyticsRetention;
}

export function createAnalyticsServices(shared: Pick<SharedServices, 'pool' | 'clock' | 'logger'>): AnalyticsServices {
  const { pool, clock, logger } = shared;
  return {
    events: createAnalyticsRecorder({ pool, clock, logger }),
    sessions: createSessionTracker(clock),
    stats: createStatsService({ pool }),
    metrics: createMetricsReconciliation({ pool }),
    retention: createAnalyticsRetention({ pool }),
  };
}

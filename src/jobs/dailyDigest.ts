import type { Api } from 'grammy';
import { digestText } from '../features/analytics/statsText.ts';
import type { StatsService } from '../services/analytics/stats.ts';
import type { ApprovalService } from '../services/approvals/approvals.ts';
import type { CardPublisher } from '../telegram/cards.ts';
import type { Job, JobOutcome } from './job.ts';

export interface DigestJobDeps {
  stats: Pick<StatsService, 'previousDay'>;
  approvals: Pick<ApprovalService, 'queueSummary'>;
  cards: Pick<CardPublisher, 'view'>;
  api: Api;
  adminChatId: number;
}

/** Tells the admin chat how yesterday went (Accra's calendar day before `now`) and what is waiting now. */
export async function sendDailyDigest(deps: DigestJobDeps, now: Date): Promise<JobOutcome> {
  const [report, pending] = await Promise.all([deps.stats.previousDay(now), deps.approvals.queueSummary(0)]);
  await deps.api.sendMessage(deps.adminChatId, digestText(report, pending, deps.cards, now).value);
  return { sent: 1, pending: pending.total };
}

/** Every day at 08:00 in Accra, once across instances (the day is the slot). */
export function dailyDigestJob(deps: DigestJobDeps): Job {
  return { name: 'daily-digest', schedule: '0 0 8 * * *', slotMinutes: 1440, run: (now) => sendDailyDigest(deps, now) };
}

import type { Api } from 'grammy';
import { pendingList } from '../features/approvals/pendingCommand.ts';
import type { ApprovalService } from '../services/approvals/approvals.ts';
import type { PendingReminders } from '../services/approvals/reminders.ts';
import type { CardPublisher } from '../telegram/cards.ts';
import { formatAge } from '../telegram/format.ts';
import { html } from '../telegram/html.ts';
import type { Job, JobOutcome } from './job.ts';

export interface ReminderJobDeps {
  approvals: Pick<ApprovalService, 'listWaiting' | 'withFacts'>;
  reminders: PendingReminders;
  cards: Pick<CardPublisher, 'view'>;
  api: Api;
  adminChatId: number;
}

/**
 * One message to the admin chat listing the requests waiting over 30 minutes that were not brought up in the
 * last hour, each with a button to see its card again. A reminder that cannot be sent is taken back, so the
 * next run sends it.
 */
export async function remindPendingRequests(deps: ReminderJobDeps, now: Date): Promise<JobOutcome> {
  const due = await deps.reminders.claimDue(await deps.approvals.listWaiting(), now);
  if (due.length === 0) return { reminded: 0 };
  const { lines, keyboard } = await pendingList(due, due.length, deps, (request) => `waiting ${formatAge(request.submittedAt, now)}`);
  const heading = due.length === 1 ? 'A request has been waiting over 30 minutes' : `${due.length} requests have been waiting over 30 minutes`;
  try {
    await deps.api.sendMessage(deps.adminChatId, html`⏰ <b>${heading}</b>\n\n${lines}\n\nTap one to see its card, or send /pending for everything waiting.`.value, {
      reply_markup: keyboard,
    });
  } catch (error) {
    await deps.reminders.release(due, now);
    throw error;
  }
  return { reminded: due.length };
}

/** Every 10 minutes, once per 10 minutes across instances. */
export function remindPendingRequestsJob(deps: ReminderJobDeps): Job {
  return { name: 'remind-pending-requests', schedule: '0 */10 * * * *', slotMinutes: 10, run: (now) => remindPendingRequests(deps, now) };
}

import { InlineKeyboard, type Api } from 'grammy';
import type { ApprovalService } from '../services/approvals/approvals.ts';
import { payoutReferenceNoun, type CardPublisher } from '../telegram/cards.ts';
import { formatAge } from '../telegram/format.ts';
import { addressTo, html } from '../telegram/html.ts';
import type { Job, JobOutcome } from './job.ts';

export interface ClaimReminderDeps {
  approvals: Pick<ApprovalService, 'claimsToRemind' | 'forgetClaimReminder'>;
  cards: Pick<CardPublisher, 'view'>;
  api: Api;
  adminChatId: number;
}

/**
 * Reminds the holder of every payout claim left open 30 minutes (and every 30 minutes after), in the admin chat and
 * addressed to them, with a button to see the card. A reminder that cannot be sent is taken back for the next run.
 */
export async function remindClaimedPayouts(deps: ClaimReminderDeps, now: Date): Promise<JobOutcome> {
  const claims = await deps.approvals.claimsToRemind(now);
  const failures: unknown[] = [];
  for (const claim of claims) {
    const view = deps.cards.view(claim.kind);
    const subject = `${view?.label ?? claim.kind} #${claim.id}`;
    const text = html`${addressTo({ id: claim.holder.telegramId, first_name: claim.holder.name })}⏰ You have been paying out ${subject} for ${formatAge(claim.since, now)}. Once it is paid, tap ✅ Paid on its card and type ${payoutReferenceNoun(view)}; if you will not pay it, tap ↩️ Release so another admin can. Another admin may take it over.`;
    try {
      await deps.api.sendMessage(deps.adminChatId, text.value, { reply_markup: new InlineKeyboard().text(`Show ${subject}`, `pc:${claim.kind}:${claim.id}`) });
    } catch (error) {
      await deps.approvals.forgetClaimReminder(claim, now);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} claim reminders could not be sent`);
  return { reminded: claims.length };
}

/** Every 5 minutes, once per 5 minutes across instances. */
export function remindClaimedPayoutsJob(deps: ClaimReminderDeps): Job {
  return { name: 'remind-claimed-payouts', schedule: '0 */5 * * * *', slotMinutes: 5, run: (now) => remindClaimedPayouts(deps, now) };
}

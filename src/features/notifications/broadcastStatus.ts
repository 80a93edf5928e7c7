import type { Api } from 'grammy';
import type { BroadcastProgress, BroadcastRow, BroadcastService } from '../../services/notifications/broadcasts.ts';
import type { Clock } from '../../services/platform/clock.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { formatWhen } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';

// Telegram limits edits too: the status changes at most this often, whichever instance edits it.
const EDIT_EVERY_SECONDS = 4;

export interface BroadcastReportDeps {
  broadcasts: BroadcastService;
  adminChatId: number;
  clock: Clock;
}

const count = (value: number) => value.toLocaleString('en-GB');

function percentDone(progress: BroadcastProgress): number {
  return progress.total === 0 ? 100 : Math.floor(((progress.sent + progress.failed) * 100) / progress.total);
}

/** "45 s", "1 min 7 s", "2 h 5 min". */
function duration(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function statusText(broadcast: BroadcastRow, progress: BroadcastProgress, now: Date): SafeHtml {
  const heading = html`📣 <b>Broadcast #${broadcast.id}</b> from ${broadcast.admin_name}, started ${formatWhen(broadcast.created_at, now)}`;
  const writing = progress.queued ? html`` : html`\n📝 Writing the list of recipients…`;
  const counts = html`✅ Sent ${count(progress.sent)} · ⚠️ Failed ${count(progress.failed)} · ⏳ Left ${count(progress.left)} · ${percentDone(progress)}%`;
  const end = progress.done ? html`\n🏁 Finished` : html``;
  return html`${heading}${writing}\n${counts}${end}`;
}

function summaryText(broadcast: BroadcastRow, progress: BroadcastProgress, now: Date): SafeHtml {
  const unreachable =
    progress.failed === 0
      ? html`Everyone got it.`
      : html`${count(progress.failed)} could not be reached (they blocked the bot or their account is gone); they see it in /notifications if they come back.`;
  return html`🏁 <b>Broadcast #${broadcast.id} finished</b>: delivered to ${count(progress.sent)} of ${count(progress.total)} users in ${duration(broadcast.created_at, now)}. ${unreachable}`;
}

/** Edits the status message when its text changed, or posts it when there is none yet; returns its message id. */
async function showStatus(api: Api, deps: BroadcastReportDeps, broadcast: BroadcastRow, text: SafeHtml): Promise<number> {
  const { status_chat_id: chatId, status_message_id: messageId } = broadcast;
  if (chatId !== null && messageId !== null) {
    if (broadcast.status_text !== text.value) {
      await editQuietly(api.editMessageText(chatId, messageId, text.value));
      await deps.broadcasts.recordStatus(broadcast.id, { chatId, messageId, text: text.value });
    }
    return messageId;
  }
  const posted = await api.sendMessage(deps.adminChatId, text.value);
  await deps.broadcasts.recordStatus(broadcast.id, { chatId: deps.adminChatId, messageId: posted.message_id, text: text.value });
  return posted.message_id;
}

/**
 * The broadcast's status message in the admin chat, counted from its outbox rows: posted at Confirm, edited as
 * the messages go out (at most every few seconds), and once none is left its final state and a summary below it.
 */
export async function reportBroadcast(api: Api, deps: BroadcastReportDeps, broadcast: BroadcastRow): Promise<void> {
  const progress = await deps.broadcasts.progress(broadcast);
  const now = deps.clock();
  const text = statusText(broadcast, progress, now);
  if (!progress.done) {
    if (await deps.broadcasts.claimStatusEdit(broadcast.id, EDIT_EVERY_SECONDS)) await showStatus(api, deps, broadcast, text);
    return;
  }
  if (!(await deps.broadcasts.finish(broadcast.id))) return;
  const statusId = await showStatus(api, deps, broadcast, text);
  await api.sendMessage(deps.adminChatId, summaryText(broadcast, progress, now).value, {
    reply_parameters: { message_id: statusId, allow_sending_without_reply: true },
  });
}

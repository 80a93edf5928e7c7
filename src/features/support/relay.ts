import { Composer, InputFile, type Api } from 'grammy';
import type { BotContext } from '../../context.ts';
import { formatCrypto, formatGhs } from '../../services/common/amounts.ts';
import type { NotificationDelivery } from '../../services/notifications/delivery.ts';
import type { UserRow } from '../../db/users.ts';
import type { Clock } from '../../services/platform/clock.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { RelayFacts, SupportMessageRow, SupportService } from '../../services/support/support.ts';
import type { HistoryRow, HistoryService } from '../../services/wallet/history.ts';
import { asAdmin, type AdminGuardDeps } from '../../telegram/adminGuard.ts';
import type { FileDownloader } from '../../telegram/files.ts';
import { formatWhen, requestStatusLabel, shorten } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

const OPEN_REQUESTS_SHOWN = 5;
const EARLIER_LENGTH = 150;

export interface RelayDeps {
  support: SupportService;
  history: HistoryService;
  historyLabels: ReadonlyMap<string, string>;
  media: MediaStore;
  asset: string;
  adminChatId: number;
  clock: Clock;
}

/** How admins see a user's name: as on their account, else their username. */
export function displayName(user: Pick<UserRow, 'first_name' | 'last_name' | 'username'>): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username;
}

/** One message of a thread in a line: who, when, what (a photo marked 📷). */
export function threadLine(message: SupportMessageRow, names: { user: string; support: string }, now: Date, most: number): SafeHtml {
  const who = message.author === 'user' ? html`👤 ${names.user}` : html`🛟 ${names.support}`;
  const photo = message.photo ? html`📷 ` : html``;
  return html`${who} · ${formatWhen(message.created_at, now)}\n${photo}${shorten(message.body ?? 'a photo', most)}`;
}

function requestLine(request: HistoryRow, deps: RelayDeps, now: Date): SafeHtml {
  const amount = request.crypto_amount ? html`${formatGhs(request.cedis_amount)} / ${formatCrypto(request.crypto_amount, deps.asset)}` : html`${formatGhs(request.cedis_amount)}`;
  return html`• ${deps.historyLabels.get(request.kind) ?? request.kind} <code>${request.reference}</code> · ${amount} · ${requestStatusLabel(request.status, 'admin')} since ${formatWhen(request.created_at, now)}`;
}

function relayText(facts: RelayFacts, open: readonly HistoryRow[], deps: RelayDeps): SafeHtml {
  const { user, message } = facts;
  const now = deps.clock();
  const name = displayName(user);
  const contact = [`username ${user.username}`, user.phone, user.email].filter((part): part is string => part !== null).join(' · ');
  const who = html`💬 <b>Support message</b> from <a href="tg://user?id=${user.telegram_id ?? 0}">${name}</a>\n${contact} · user #${user.id} · identity ${user.kyc_status}`;
  const requests = open.length > 0 ? joinHtml(open.map((request) => requestLine(request, deps, now))) : html`none`;
  const earlier =
    facts.earlier.length > 0
      ? html`\n\n<b>Earlier in this conversation:</b>\n${joinHtml(facts.earlier.map((row) => threadLine(row, { user: name, support: `${row.admin_name ?? 'Support'} (Support)` }, now, EARLIER_LENGTH)))}`
      : html``;
  const body = message.photo ? html`📷 The photo above${message.body ? html`: ${message.body}` : html``}` : html`${message.body ?? ''}`;
  return html`${who}\n\n<b>Open requests:</b> ${requests}${earlier}\n\n<blockquote>${body}</blockquote>\n\n↩️ Reply to this message to answer ${name}; they see your answer signed “Support”.`;
}

/**
 * Posts a user's support message in the admin chat (its photo first, from the media store), with who sent it,
 * their open requests and the last messages of the thread; a reply to either message answers them.
 */
export async function relayToAdmins(api: Api, deps: RelayDeps, supportMessageId: number): Promise<void> {
  const facts = await deps.support.relayFacts(supportMessageId);
  if (!facts) return;
  const open = await deps.history.open(facts.user.id, OPEN_REQUESTS_SHOWN);
  const record = (messageId: number) => deps.support.recordRelay({ chatId: deps.adminChatId, messageId, supportMessageId });
  if (facts.message.photo) {
    const name = displayName(facts.user);
    const photo = await api.sendPhoto(deps.adminChatId, new InputFile(deps.media.absolutePath(facts.message.photo)), {
      caption: html`📷 For support, from ${name} (user #${facts.user.id}). Reply to answer.`.value,
    });
    await record(photo.message_id);
  }
  await record((await api.sendMessage(deps.adminChatId, relayText(facts, open, deps).value)).message_id);
}

export interface AnswerDeps {
  support: SupportService;
  delivery: NotificationDelivery;
  download: FileDownloader;
  guard: AdminGuardDeps;
}

const DELIVERY_WORDS = {
  sent: (name: string) => html`✅ Sent to ${name}, signed “Support”. Reply to this message to write again.`,
  waiting: (name: string) => html`📨 Saved in ${name}'s conversation; Telegram did not take it yet, so it is sent again shortly.`,
  failed: (name: string) => html`⚠️ Saved in ${name}'s conversation, but they cannot be reached (they blocked the bot). They see it in /support if they come back.`,
};

/**
 * An admin's reply (text, or a photo with a caption) in the admin chat to one of the bot's support messages: it
 * goes to that user signed "Support", through the outbox, and the admin is told whether it arrived. Any other
 * message goes on to the other handlers.
 */
export function supportAnswers(deps: AnswerDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('message', async (ctx, next) => {
    const replied = ctx.message.reply_to_message;
    const isReplyToBot = ctx.chat.id === deps.guard.adminChatId && replied?.from?.id === ctx.me.id && !ctx.message.text?.startsWith('/');
    const thread = isReplyToBot && replied ? await deps.support.threadOfRelay(ctx.chat.id, replied.message_id) : null;
    if (!thread) return next();
    const reply = (text: SafeHtml) => ctx.reply(text.value, { reply_parameters: { message_id: ctx.message.message_id } });
    await asAdmin(ctx, deps.guard, async () => {
      const photo = ctx.message.photo?.at(-1);
      const bytes = photo ? await deps.download(ctx.api, photo.file_id, photo.file_size) : null;
      if (bytes && !bytes.ok) return reply(html`${bytes.reason}`);
      const text = ctx.message.text ?? ctx.message.caption ?? null;
      const source = { chatId: ctx.chat.id, messageId: ctx.message.message_id };
      const result = await deps.support.answer(thread.userId, ctx.from, { text, photo: bytes?.value ?? null, source });
      if (result.status === 'invalid') return reply(html`${result.reason} Nothing was sent.`);
      if (result.status !== 'sent') return;
      await deps.delivery.deliverTo(thread.userId);
      const user = await deps.support.user(thread.userId);
      const name = user ? displayName(user) : 'the user';
      const confirmation = await reply(DELIVERY_WORDS[await deps.support.deliveryOf(result.notificationId)](name));
      await deps.support.recordRelay({ chatId: ctx.chat.id, messageId: confirmation.message_id, supportMessageId: result.message.id });
    });
  });
  return feature;
}

import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import type { InboxRow, InboxService } from '../../services/notifications/inbox.ts';
import type { Clock } from '../../services/platform/clock.ts';
import { parseContent, visibleText } from '../../services/tutorials/content.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { formatWhen, shorten } from '../../telegram/format.ts';
import { html, joinHtml, SafeHtml } from '../../telegram/html.ts';
import { tappedByRegistered } from '../../telegram/refusals.ts';

/** `nt:p:<page>` a page, `nt:r:<id>:<page>` mark one read, `nt:a:<page>` mark all read. */
const INBOX_CALLBACK = /^nt:([pra]):(\d+)(?::(\d+))?$/;
// Five previews of this many characters, with their titles and times, stay well within one message.
const PREVIEW_LENGTH = 600;

export interface InboxDeps {
  inbox: InboxService;
  menu: CommandMenu;
  clock: Clock;
}

/** A notification's text in the list: a broadcast keeps its formatting when it fits, anything longer is cut as plain text. */
function preview(row: InboxRow): SafeHtml {
  if (row.format === 'text') return html`${shorten(row.message, PREVIEW_LENGTH)}`;
  const parsed = parseContent(row.message);
  const visible = parsed.ok ? visibleText(parsed.value) : row.message;
  return parsed.ok && [...visible].length <= PREVIEW_LENGTH ? new SafeHtml(row.message) : html`${shorten(visible, PREVIEW_LENGTH)}`;
}

async function inboxScreen(deps: InboxDeps, userId: number, page: number): Promise<{ text: SafeHtml; keyboard?: InlineKeyboard }> {
  const inbox = await deps.inbox.page(userId, page);
  if (inbox.rows.length === 0) {
    return { text: html`🔔 You have no notifications yet. I message you here whenever something happens to your money or your requests.` };
  }
  const now = deps.clock();
  const items = inbox.rows.map((row, index) => {
    const photo = row.photo ? html`📷 ` : html``;
    return html`${row.read ? '⚪' : '🔵'} <b>${index + 1}. ${row.title ?? 'Notification'}</b> · ${formatWhen(row.created_at, now)}\n${photo}${preview(row)}`;
  });
  const keyboard = new InlineKeyboard();
  inbox.rows.forEach((row, index) => {
    if (!row.read) keyboard.text(`✓ ${index + 1} read`, `nt:r:${row.id}:${inbox.page}`);
  });
  if (inbox.unread > 0) keyboard.row().text('✅ Mark all read', `nt:a:${inbox.page}`);
  if (inbox.pages > 1) {
    keyboard.row();
    if (inbox.page > 0) keyboard.text('◀️ Newer', `nt:p:${inbox.page - 1}`);
    if (inbox.page < inbox.pages - 1) keyboard.text('Older ▶️', `nt:p:${inbox.page + 1}`);
  }
  const unread = inbox.unread === 0 ? html`all read` : html`${inbox.unread} unread`;
  const pages = inbox.pages > 1 ? html`, page ${inbox.page + 1} of ${inbox.pages}` : html``;
  return {
    text: html`🔔 <b>Your notifications</b> (${unread}${pages})\n\n${joinHtml(items, '\n\n')}`,
    ...(keyboard.inline_keyboard.flat().length > 0 ? { keyboard } : {}),
  };
}

/** /notifications: unread first, five a page, each with its time; Mark read and Mark all read. */
export async function showInbox(ctx: BotContext, deps: InboxDeps): Promise<void> {
  if (!ctx.appUser) {
    await ctx.reply('Please register first: send /start.');
    return;
  }
  const { text, keyboard } = await inboxScreen(deps, ctx.appUser.id, 0);
  await ctx.reply(text.value, keyboard ? { reply_markup: keyboard } : {});
}

/** The buttons under the list: each edits it in place; reading the last unread one refreshes the main menu's count. */
export function inboxButtons(deps: InboxDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(INBOX_CALLBACK, async (ctx) => {
    const user = await tappedByRegistered(ctx);
    if (!user) return;
    const [, action, first = '0', second = '0'] = ctx.match;
    const page = Number(action === 'r' ? second : first);
    const marked = action === 'r' ? Number(await deps.inbox.markRead(user.id, Number(first))) : action === 'a' ? await deps.inbox.markAllRead(user.id) : 0;
    const answer = action === 'p' ? undefined : marked === 0 ? 'Those are read already.' : marked === 1 ? 'Marked as read.' : `${marked} marked as read.`;
    await ctx.answerCallbackQuery(answer ? { text: answer } : {});
    if (action !== 'p' && marked === 0) return;
    const { text, keyboard } = await inboxScreen(deps, user.id, page);
    await editQuietly(ctx.editMessageText(text.value, keyboard ? { reply_markup: keyboard } : {}));
    if (marked > 0 && (await deps.inbox.unreadCount(user.id)) === 0) {
      await ctx.reply('✅ All caught up: no unread notifications.', { reply_markup: await deps.menu.mainMenuFor(user) });
    }
  });
  return feature;
}

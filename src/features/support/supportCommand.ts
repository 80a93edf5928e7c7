import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { WRITE_TO_SUPPORT } from '../../scenes/support/writeToSupport.ts';
import type { Clock } from '../../services/platform/clock.ts';
import type { SupportService } from '../../services/support/support.ts';
import { editQuietly } from '../../telegram/errors.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { tappedByRegistered } from '../../telegram/refusals.ts';
import { threadLine } from './relay.ts';

/** `sp:w` write to support, `sp:t:<page>` a page of the conversation (0 the newest). */
const SUPPORT_CALLBACK = /^sp:(?:(w)|t:(\d+))$/;
const MESSAGE_LENGTH = 400;

export interface SupportScreenDeps {
  support: SupportService;
  clock: Clock;
}

async function threadSection(deps: SupportScreenDeps, userId: number, page: number): Promise<{ text: SafeHtml; keyboard: InlineKeyboard }> {
  const thread = await deps.support.thread(userId, page);
  const keyboard = new InlineKeyboard().text('✍️ Write to support', 'sp:w');
  if (thread.rows.length === 0) return { text: html``, keyboard };
  const now = deps.clock();
  const lines = [...thread.rows].reverse().map((row) => threadLine(row, { user: 'You', support: 'Support' }, now, MESSAGE_LENGTH));
  const pages = thread.pages > 1 ? html` (page ${thread.page + 1} of ${thread.pages}, newest last)` : html``;
  if (thread.pages > 1) {
    keyboard.row();
    if (thread.page < thread.pages - 1) keyboard.text('◀️ Earlier', `sp:t:${thread.page + 1}`);
    if (thread.page > 0) keyboard.text('Later ▶️', `sp:t:${thread.page - 1}`);
  }
  return { text: html`\n\n<b>Your conversation with support</b>${pages}\n\n${joinHtml(lines, '\n\n')}`, keyboard };
}

async function supportScreen(deps: SupportScreenDeps, userId: number | null, page: number): Promise<{ text: SafeHtml; keyboard: InlineKeyboard }> {
  const contacts = await deps.support.contacts();
  const listed = contacts.length > 0 ? html`Reach our team:\n${joinHtml(contacts.map(([name, value]) => html`• ${name}: ${value}`))}\n\n` : html``;
  const heading = html`🛟 <b>Support</b>\n\n${listed}Or write to us right here: tap ✍️ Write to support and we answer in this chat.`;
  if (userId === null) {
    return { text: html`${heading}\n\nWriting here needs an account: send /start to register.`, keyboard: new InlineKeyboard() };
  }
  const thread = await threadSection(deps, userId, page);
  return { text: html`${heading}${thread.text}`, keyboard: thread.keyboard };
}

/** /support: the support contacts from settings, "Write to support", and the user's conversation with support. */
export async function showSupport(ctx: BotContext, deps: SupportScreenDeps): Promise<void> {
  const { text, keyboard } = await supportScreen(deps, ctx.appUser?.id ?? null, 0);
  await ctx.reply(text.value, keyboard.inline_keyboard.length > 0 ? { reply_markup: keyboard } : {});
}

export function supportButtons(deps: SupportScreenDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').callbackQuery(SUPPORT_CALLBACK, async (ctx) => {
    const user = await tappedByRegistered(ctx);
    if (!user) return;
    await ctx.answerCallbackQuery();
    const [, write, page = '0'] = ctx.match;
    if (write) {
      await ctx.conversation.enter(WRITE_TO_SUPPORT);
      return;
    }
    const { text, keyboard } = await supportScreen(deps, user.id, Number(page));
    await editQuietly(ctx.editMessageText(text.value, { reply_markup: keyboard }));
  });
  return feature;
}

import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.ts';
import { clampPage } from '../../services/common/paging.ts';
import { editQuietly } from '../../telegram/errors.ts';

/** One page of a list, brought into range (an old or forged page number shows the nearest page). */
export function pageOf<T>(items: readonly T[], page: number, perPage: number): { items: readonly T[]; page: number; pages: number } {
  const shown = clampPage(page, items.length, perPage);
  return { items: items.slice(shown.page * perPage, (shown.page + 1) * perPage), ...shown };
}

/** Shows a menu screen: in place of the tapped text message, or as a new message (a command, or a photo tapped). */
export async function showScreen(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  const tapped = ctx.callbackQuery?.message;
  if (tapped && 'text' in tapped && tapped.text !== undefined) {
    await editQuietly(ctx.editMessageText(text, { reply_markup: keyboard }));
    return;
  }
  await ctx.reply(text, { reply_markup: keyboard });
}

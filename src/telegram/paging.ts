import type { InlineKeyboard } from 'grammy';

/** Adds ◀️ / ▶️ buttons on a row of their own when there is more than one page. */
export function addPagingRow(keyboard: InlineKeyboard, paged: { page: number; pages: number }, dataOf: (page: number) => string): InlineKeyboard {
  if (paged.pages <= 1) return keyboard;
  keyboard.row();
  if (paged.page > 0) keyboard.text('◀️ Previous', dataOf(paged.page - 1));
  if (paged.page < paged.pages - 1) keyboard.text('Next ▶️', dataOf(paged.page + 1));
  return keyboard;
}

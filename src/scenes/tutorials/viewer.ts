import { InputFile, type Context } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../../logger.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import { CATEGORY_LABELS, type TutorialCategory } from '../../services/tutorials/categories.ts';
import { splitContent } from '../../services/tutorials/split.ts';
import { html, SafeHtml } from '../../telegram/html.ts';

/** Visible characters per message: Telegram's 4096, less room for the title and the category line. */
export const PART_BUDGET = 3600;

export interface ShownTutorial {
  title: string;
  category: TutorialCategory;
  content: string;
  thumbnail: string | null;
  /** Under the title, e.g. "3 of 8" or "draft preview". */
  place: string;
}

/** The messages of a tutorial: the title and its place, then the content, split where it must be. */
export function tutorialMessages(tutorial: ShownTutorial): SafeHtml[] {
  const header = html`<b>${tutorial.title}</b>\n<i>${CATEGORY_LABELS[tutorial.category]} · ${tutorial.place}</i>\n\n`;
  const parts = splitContent(tutorial.content, PART_BUDGET).map((part) => new SafeHtml(part));
  return parts.map((part, index) => (index === 0 ? html`${header}${part}` : part));
}

/**
 * Sends a tutorial: its picture (when it has one), then its messages, the last with the buttons if any. A
 * picture that cannot be sent is logged and left out, so the text always arrives.
 */
export async function sendTutorial(
  ctx: Context,
  tutorial: ShownTutorial,
  keyboard: InlineKeyboardMarkup | undefined,
  deps: { media: MediaStore; logger: Logger },
): Promise<void> {
  if (tutorial.thumbnail) {
    await ctx.replyWithPhoto(new InputFile(deps.media.absolutePath(tutorial.thumbnail))).catch((error: unknown) => {
      deps.logger.warn({ err: error, thumbnail: tutorial.thumbnail }, 'could not send a tutorial picture');
    });
  }
  const messages = tutorialMessages(tutorial);
  for (const [index, message] of messages.entries()) {
    const last = index === messages.length - 1;
    await ctx.reply(message.value, { link_preview_options: { is_disabled: true }, ...(last && keyboard ? { reply_markup: keyboard } : {}) });
  }
}

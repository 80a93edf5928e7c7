import type { BotConversation, ConversationContext } from '../../context.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { AuthoringService } from '../../services/tutorials/authoring.ts';
import { CATEGORY_LABELS, TUTORIAL_CATEGORIES, type TutorialCategory } from '../../services/tutorials/categories.ts';
import { checkContent } from '../../services/tutorials/content.ts';
import { entitiesToHtml } from '../../services/tutorials/entities.ts';
import { checkOrder, checkTitle } from '../../services/tutorials/fields.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';
import { checkPhoto, type PhotoDeps, type PhotoRef } from '../ask/photos.ts';
import { authorAsk, type AuthorOption } from './authorAsk.ts';

const SKIP: AuthorOption = { label: '⏭ Skip', value: 'skip', typed: 'skip' };
const REMOVE: AuthorOption = { label: '✖️ Remove it', value: 'remove', typed: 'remove' };
// Parts typed in separate messages are separate paragraphs.
const PART_SEPARATOR = '\n\n';

export function askTitle(conversation: BotConversation, ctx: ConversationContext, text: SafeHtml): Promise<string> {
  return authorAsk(conversation, ctx, { text, check: (answer) => (answer.kind === 'text' ? checkTitle(answer.text) : invalid('Please type the title.')) });
}

export function chooseCategory(conversation: BotConversation, ctx: ConversationContext, text: SafeHtml): Promise<TutorialCategory> {
  const rows = [TUTORIAL_CATEGORIES.slice(0, 2), TUTORIAL_CATEGORIES.slice(2, 4), TUTORIAL_CATEGORIES.slice(4)];
  return choose(conversation, ctx, text, rows.map((row) => row.map((category) => ({ label: CATEGORY_LABELS[category], value: category }))));
}

type ContentStep = { kind: 'part'; html: string } | { kind: 'done' } | { kind: 'restart' };

/**
 * The content, formatted with Telegram's own tools (bold, italic, links, code, quotes), in one message or
 * several (each a paragraph); each part is checked as it arrives, the whole on ✅ Done.
 */
export async function askContent(conversation: BotConversation, ctx: ConversationContext, intro: SafeHtml): Promise<string> {
  const parts: string[] = [];
  for (;;) {
    const soFar = parts.join(PART_SEPARATOR);
    const step = await authorAsk<ContentStep>(conversation, ctx, {
      text:
        parts.length === 0
          ? html`${intro}\n\nFormat it with Telegram's own tools (select text for <b>bold</b>, <i>italic</i>, a link, <code>code</code> or a quote). A long tutorial can come in several messages.`
          : html`Got part ${parts.length} (${soFar.length.toLocaleString('en-GB')} characters so far). Send the next part, or tap ✅ Done.`,
      options: parts.length === 0 ? [] : [{ label: '✅ Done', value: 'done', typed: 'done' }, { label: '🔁 Start again', value: 'restart', typed: 'restart' }],
      check: (answer): Checked<ContentStep> => {
        if (answer.kind === 'button') return valid({ kind: answer.value === 'done' ? 'done' : 'restart' });
        if (answer.kind !== 'text') return invalid('Please send the content as text.');
        const part = checkContent(entitiesToHtml(answer.text, answer.entities));
        if (!part.ok) return part;
        const whole = checkContent([...parts, part.value].join(PART_SEPARATOR));
        return whole.ok ? valid({ kind: 'part', html: part.value }) : whole;
      },
    });
    if (step.kind === 'part') parts.push(step.html);
    else if (step.kind === 'restart') parts.length = 0;
    else return soFar;
  }
}

/** An optional one-line field: typed, skipped, or (when `current` is set) removed. Null for none. */
export function askOptional(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  check: (text: string) => Checked<string>,
  options: { removable: boolean },
): Promise<string | null> {
  return authorAsk(conversation, ctx, {
    text,
    options: [options.removable ? REMOVE : SKIP],
    check: (answer) => (answer.kind === 'button' ? valid(null) : answer.kind === 'text' ? check(answer.text) : invalid('Please type it, or use the button.')),
  });
}

/** The picture at the top of the tutorial: a photo (checked, stored only on save), or none. */
export function askPicture(conversation: BotConversation, ctx: ConversationContext, deps: PhotoDeps, text: SafeHtml, options: { removable: boolean }): Promise<PhotoRef | null> {
  return authorAsk<PhotoRef | null>(conversation, ctx, {
    text,
    acceptsFile: true,
    options: [options.removable ? REMOVE : SKIP],
    check: (answer) =>
      answer.kind === 'button' ? valid(null)
      : answer.kind === 'file' ? checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize }, 'tutorials')
      : invalid('Please send a picture (a photo or an image file), or use the button.'),
  });
}

/** The display order in the category, showing the current ones; null puts it at the end. */
export async function askOrder(
  conversation: BotConversation,
  ctx: ConversationContext,
  authoring: AuthoringService,
  category: TutorialCategory,
  exceptId: number | null,
): Promise<number | null> {
  const others = await conversation.external(async () =>
    (await authoring.list(category)).filter((row) => row.id !== exceptId).map((row) => ({ order: row.order, title: row.title })),
  );
  const listing = others.length === 0 ? html`It is the first one there.` : html`Now:\n${joinHtml(others.map((row) => html`${row.order} · ${row.title}`))}`;
  return authorAsk(conversation, ctx, {
    text: html`Where should it appear in ${CATEGORY_LABELS[category]}? Lower numbers come first. ${listing}\n\nType a number, e.g. 15, or tap ⏬ At the end.`,
    options: [{ label: '⏬ At the end', value: 'end', typed: 'end' }],
    check: (answer) => (answer.kind === 'button' ? valid(null) : answer.kind === 'text' ? checkOrder(answer.text) : invalid('Please type a number.')),
  });
}

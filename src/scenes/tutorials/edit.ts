import type { BotConversation, ConversationContext } from '../../context.ts';
import type { FieldChange } from '../../services/tutorials/authoring.ts';
import { CATEGORY_LABELS } from '../../services/tutorials/categories.ts';
import { checkExcerpt, checkVideoUrl } from '../../services/tutorials/fields.ts';
import { splitContent } from '../../services/tutorials/split.ts';
import { html } from '../../telegram/html.ts';
import { choose } from '../ask/ask.ts';
import { fetchOptionalPhoto, type PhotoRef } from '../ask/photos.ts';
import { notSavedText, type AuthoringSceneDeps } from './create.ts';
import { askContent, askOptional, askOrder, askPicture, askTitle, chooseCategory } from './questions.ts';
import { PART_BUDGET } from './viewer.ts';

export const EDIT_TUTORIAL = 'tutorial-edit';

/** The fields an edit changes one at a time, and how each is named. */
export const EDITABLE_FIELDS = {
  title: 'Title',
  category: 'Category',
  content: 'Content',
  excerpt: 'Summary',
  videoUrl: 'Video link',
  thumbnail: 'Picture',
  order: 'Place in the list',
} as const;
export type EditableField = keyof typeof EDITABLE_FIELDS;

export function isEditableField(value: string): value is EditableField {
  return value in EDITABLE_FIELDS;
}

/** A change as the conversation keeps it: plain values only (a picture by reference until saved). */
type Draft = Exclude<FieldChange, { field: 'thumbnail' | 'order' }> | { field: 'thumbnail'; value: PhotoRef | null } | { field: 'order'; value: number | null };

/** Changes one field of a tutorial: the current value, the new one (checked), Confirm, then an audited save. */
export function createTutorialEditConversation(deps: AuthoringSceneDeps) {
  return async function editTutorial(conversation: BotConversation, ctx: ConversationContext, id: number, field: string): Promise<void> {
    const from = ctx.from;
    const chatId = ctx.chat?.id;
    if (!from || chatId === undefined || !isEditableField(field)) return;
    // Only plain values leave `external`: they are stored with the conversation.
    const current = await conversation.external(async () => {
      const row = await deps.authoring.get(id);
      return row && { id: row.id, title: row.title, category: row.category, content: row.content, excerpt: row.excerpt, video_url: row.video_url, thumbnail: row.thumbnail, order: row.order };
    });
    if (!current) {
      await ctx.reply('That tutorial no longer exists.');
      return;
    }
    const label = EDITABLE_FIELDS[field];
    const ask = async (): Promise<{ draft: Draft; from: string; to: string }> => {
      switch (field) {
        case 'title': {
          const value = await askTitle(conversation, ctx, html`The title is now: <b>${current.title}</b>\nType the new title.`);
          return { draft: { field, value }, from: current.title, to: value };
        }
        case 'category': {
          const value = await chooseCategory(conversation, ctx, html`It is now in ${CATEGORY_LABELS[current.category]}. Move it to which category?`);
          return { draft: { field, value }, from: CATEGORY_LABELS[current.category], to: CATEGORY_LABELS[value] };
        }
        case 'content': {
          await ctx.reply('Here is the current content. Copy it, change it, and send it back (in several messages if it is long).');
          for (const part of splitContent(current.content, PART_BUDGET)) await ctx.reply(part, { link_preview_options: { is_disabled: true } });
          const value = await askContent(conversation, ctx, html`Send the new <b>content</b>.`);
          return { draft: { field, value }, from: `${current.content.length} characters`, to: `${value.length} characters` };
        }
        case 'excerpt':
        case 'videoUrl': {
          const now = field === 'excerpt' ? current.excerpt : current.video_url;
          const check = field === 'excerpt' ? checkExcerpt : checkVideoUrl;
          const value = await askOptional(conversation, ctx, html`The ${label.toLowerCase()} is now: ${now ?? 'none'}\nType the new one.`, check, { removable: now !== null });
          return { draft: { field, value }, from: now ?? 'none', to: value ?? 'none' };
        }
        case 'thumbnail': {
          const value = await askPicture(conversation, ctx, deps, html`${current.thumbnail ? 'It has a picture.' : 'It has no picture.'} Send the new picture.`, { removable: current.thumbnail !== null });
          return { draft: { field, value }, from: current.thumbnail ? 'a picture' : 'none', to: value ? 'a new picture' : 'none' };
        }
        case 'order': {
          const value = await askOrder(conversation, ctx, deps.authoring, current.category, current.id);
          return { draft: { field, value }, from: String(current.order), to: value === null ? 'at the end' : String(value) };
        }
      }
    };
    const change = await ask();
    const decision = await choose(conversation, ctx, html`Change the ${label.toLowerCase()} of “${current.title}”?\n\nFrom: ${change.from}\nTo: ${change.to}`, [
      [{ label: '✅ Confirm', value: 'yes' }, { label: '❌ Cancel', value: 'no' }],
    ]);
    if (decision === 'no') {
      await ctx.reply('Nothing changed.');
      return;
    }
    const result = await conversation.external(async (outer) => {
      const { draft } = change;
      let saved: FieldChange;
      if (draft.field === 'thumbnail') {
        const bytes = await fetchOptionalPhoto(outer.api, deps.download, draft.value);
        if (!bytes.ok) return { status: 'invalid', reason: bytes.reason } as const;
        saved = { field: 'thumbnail', value: bytes.value };
      } else if (draft.field === 'order') {
        saved = { field: 'order', value: draft.value ?? (await deps.authoring.nextOrder(current.category)) };
      } else {
        saved = draft;
      }
      const updated = await deps.authoring.update(id, saved, from);
      return updated.status === 'saved' ? ({ status: 'saved' } as const) : updated;
    });
    if (result.status !== 'saved') {
      await ctx.reply(notSavedText(result));
      return;
    }
    await ctx.reply(html`✅ Saved: the ${label.toLowerCase()} of “${current.title}” changed.`.value);
    await conversation.external((outer) => deps.showCard(outer.api, chatId, id));
  };
}

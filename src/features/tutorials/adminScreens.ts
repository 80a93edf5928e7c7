import { InlineKeyboard } from 'grammy';
import type { AdminTutorial, AuthoringService, TutorialRow } from '../../services/tutorials/authoring.ts';
import { CATEGORY_LABELS, TUTORIAL_CATEGORIES, type TutorialCategory } from '../../services/tutorials/categories.ts';
import { EDITABLE_FIELDS, type EditableField } from '../../scenes/tutorials/edit.ts';
import { PART_BUDGET } from '../../scenes/tutorials/viewer.ts';
import { splitContent } from '../../services/tutorials/split.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

/** Callback data of the authoring buttons: `ta:<action>[:<argument>]…`, ids and names only. */
export const AUTHORING_DATA = /^ta:(home|cat|new|card|view|pub|unpub|edit|field|del|delok)(?::([a-zA-Z_]+))?(?::(\d+))?$/;

export const authoringData = {
  home: () => 'ta:home',
  category: (category: TutorialCategory) => `ta:cat:${category}`,
  create: (category?: TutorialCategory) => (category ? `ta:new:${category}` : 'ta:new'),
  card: (id: number) => `ta:card:${id}`,
  preview: (id: number) => `ta:view:${id}`,
  publish: (id: number, published: boolean) => `ta:${published ? 'pub' : 'unpub'}:${id}`,
  edit: (id: number) => `ta:edit:${id}`,
  field: (id: number, field: EditableField) => `ta:field:${field}:${id}`,
  remove: (id: number) => `ta:del:${id}`,
  removeConfirmed: (id: number) => `ta:delok:${id}`,
};

export interface Screen {
  text: SafeHtml;
  keyboard: InlineKeyboard;
}

const status = (row: TutorialRow) => (row.is_published ? '✅' : '📝');

export async function homeScreen(authoring: AuthoringService): Promise<Screen> {
  const counts = await authoring.counts();
  const lines = TUTORIAL_CATEGORIES.map((category) => {
    const { total, published } = counts[category];
    return html`${CATEGORY_LABELS[category]}: ${total} (${published} published)`;
  });
  const keyboard = new InlineKeyboard().text('➕ New tutorial', authoringData.create()).row();
  for (const category of TUTORIAL_CATEGORIES) keyboard.text(`${CATEGORY_LABELS[category]} (${counts[category].total})`, authoringData.category(category)).row();
  return {
    text: html`📚 <b>Tutorials: writing and publishing</b>\n\n${joinHtml(lines)}\n\n✅ published · 📝 draft (only admins see it). Tap a category to change its tutorials, or write a new one.`,
    keyboard,
  };
}

export async function categoryScreen(authoring: AuthoringService, category: TutorialCategory): Promise<Screen> {
  const rows = await authoring.list(category);
  const keyboard = new InlineKeyboard();
  for (const row of rows) keyboard.text(`${status(row)} ${row.order} · ${row.title}`, authoringData.card(row.id)).row();
  keyboard.text('➕ New tutorial here', authoringData.create(category)).row().text('⬅️ All categories', authoringData.home());
  const body = rows.length === 0 ? html`No tutorials yet.` : html`${rows.length} tutorials, in display order. Tap one to see it, edit, publish or delete it.`;
  return { text: html`<b>${CATEGORY_LABELS[category]}</b>\n\n${body}`, keyboard };
}

export function cardScreen(row: AdminTutorial): Screen {
  const parts = splitContent(row.content, PART_BUDGET).length;
  const text = html`📘 <b>${row.title}</b>

Status: ${row.is_published ? '✅ published: users see it' : '📝 draft: only admins see it'}
Category: ${CATEGORY_LABELS[row.category]} · place ${row.order}
Slug: <code>${row.slug}</code>
Summary: ${row.excerpt ?? 'none'}
Video: ${row.video_url ?? 'none'}
Picture: ${row.thumbnail ? 'yes' : 'none'}
Content: ${row.content.length.toLocaleString('en-GB')} characters (${parts} ${parts === 1 ? 'message' : 'messages'})
Views: ${row.views} · opened by ${row.started} · completed by ${row.completed}
Written by: ${row.authorName ?? 'the starter set'} · updated ${formatDateTime(row.updated_at)}`;
  const keyboard = new InlineKeyboard()
    .text(row.is_published ? '🙈 Unpublish' : '📢 Publish', authoringData.publish(row.id, !row.is_published))
    .text('👁 Preview', authoringData.preview(row.id))
    .row()
    .text('✏️ Edit', authoringData.edit(row.id))
    .text('🗑 Delete', authoringData.remove(row.id))
    .row()
    .text(`⬅️ ${CATEGORY_LABELS[row.category]}`, authoringData.category(row.category));
  return { text, keyboard };
}

export function fieldsKeyboard(row: TutorialRow): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  (Object.entries(EDITABLE_FIELDS) as [EditableField, string][]).forEach(([field, label], index) => {
    keyboard.text(label, authoringData.field(row.id, field));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text('⬅️ Back', authoringData.card(row.id));
}

export function deleteScreen(row: TutorialRow): Screen {
  return {
    text: html`🗑 <b>Delete “${row.title}”?</b>\n\nIt disappears for every user, with their progress on it. This cannot be undone. To hide it for a while instead, unpublish it.`,
    keyboard: new InlineKeyboard().text('🗑 Yes, delete it', authoringData.removeConfirmed(row.id)).text('↩️ Keep it', authoringData.card(row.id)),
  };
}

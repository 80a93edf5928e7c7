import { escapeContent, isWebUrl } from './content.ts';

/** The part of a Telegram message entity the conversion reads (services do not import grammY's types). */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

// The entity types that become a tag; the others (mentions, hashtags, plain URLs …) Telegram finds again by itself.
const TAGS: Readonly<Record<string, string>> = {
  bold: 'b',
  italic: 'i',
  underline: 'u',
  strikethrough: 's',
  spoiler: 'tg-spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  expandable_blockquote: 'blockquote',
};

function tagsOf(entity: TextEntity): { open: string; close: string } | null {
  if (entity.type === 'text_link') {
    return entity.url && isWebUrl(entity.url) ? { open: `<a href="${escapeContent(entity.url)}">`, close: '</a>' } : null;
  }
  const tag = TAGS[entity.type];
  if (!tag) return null;
  return { open: entity.type === 'expandable_blockquote' ? '<blockquote expandable>' : `<${tag}>`, close: `</${tag}>` };
}

/**
 * A message as its author formatted it in Telegram (text and entities, offsets in UTF-16 units) as content
 * HTML. Telegram nests entities properly (two entities sharing characters: one contains the other), so the
 * tags are opened and closed in order; the text is escaped, so whatever the author typed stays text, unless
 * `typedMarkup` says the author may also type tags (the result then still has to be checked: parseContent).
 */
export function entitiesToHtml(text: string, entities: readonly TextEntity[] = [], options: { typedMarkup?: boolean } = {}): string {
  const formatted = entities
    .map((entity) => ({ entity, tags: tagsOf(entity) }))
    .filter((item): item is { entity: TextEntity; tags: { open: string; close: string } } => item.tags !== null && item.entity.length > 0)
    // Outer first: earlier start, then longer.
    .sort((a, b) => a.entity.offset - b.entity.offset || b.entity.length - a.entity.length);
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  for (const { entity, tags } of formatted) {
    opens.set(entity.offset, [...(opens.get(entity.offset) ?? []), tags.open]);
    // Inner entities close first: an entity opened later closes earlier at the same position.
    closes.set(entity.offset + entity.length, [tags.close, ...(closes.get(entity.offset + entity.length) ?? [])]);
  }
  let html = '';
  for (let index = 0; index <= text.length; index += 1) {
    html += (closes.get(index) ?? []).join('') + (opens.get(index) ?? []).join('');
    if (index < text.length) html += options.typedMarkup ? (text[index] ?? '') : escapeContent(text[index] ?? '');
  }
  return html;
}

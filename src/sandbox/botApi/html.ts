import type { MessageEntity } from 'grammy/types';

/**
 * Telegram's HTML parse mode, ported from the rules TDLib applies (td/telegram/MessageEntity.cpp,
 * parse_html) so that markup the real server refuses is refused here too. One deliberate extra:
 * a bare `&` that does not start an entity is an error (Telegram keeps it literally, but the Bot
 * API docs require escaping it, and an unescaped `&` is nearly always an escaping bug).
 */
export class EntityParseError extends Error {}

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const SUPPORTED_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre',
  'code', 'blockquote',
]);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  /** UTF-16 offset in the produced plain text where the tag's content starts. */
  start: number;
  attributes: Map<string, string>;
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

/** Decodes the entity at `index` (which holds '&'); returns undefined when it is not a valid entity. */
function decodeEntity(source: string, index: number): { value: string; length: number } | undefined {
  const match = /^&(lt|gt|amp|quot|#[0-9]{1,8}|#x[0-9a-fA-F]{1,8});/.exec(source.slice(index, index + 16));
  if (!match?.[1]) return undefined;
  const name = match[1];
  const named = NAMED_ENTITIES[name];
  if (named !== undefined) return { value: named, length: match[0].length };
  const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { value: String.fromCodePoint(code), length: match[0].length };
}

function fail(message: string): never {
  throw new EntityParseError(message);
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

export function parseHtml(source: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '&') {
      const decoded = decodeEntity(source, i);
      if (!decoded) {
        fail(`Character '&' at byte offset ${byteOffset(source, i)} is not part of an HTML entity; escape it as &amp;`);
      }
      text += decoded.value;
      i += decoded.length;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }

    const tagBegin = i;
    if (source[i + 1] === '/') {
      // End tag: </name>
      i += 2;
      let name = '';
      while (i < source.length && source[i] !== '>' && !isSpace(source[i])) name += source[i++];
      while (isSpace(source[i])) i++;
      if (source[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(source, tagBegin)}`);
      i += 1;
      name = name.toLowerCase();
      const open = stack.pop();
      if (!open) fail(`Unexpected end tag at byte offset ${byteOffset(source, tagBegin)}`);
      if (open.name !== name) {
        fail(
          `Unmatched end tag at byte offset ${byteOffset(source, tagBegin)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const entity = toEntity(open, text.length - open.start, stack);
      if (entity) entities.push(entity);
      continue;
    }

    // Start tag: <name attr="value" ...>
    i += 1;
    let name = '';
    while (i < source.length && /[a-zA-Z0-9-]/.test(source[i] ?? '')) name += source[i++];
    name = name.toLowerCase();
    if (!SUPPORTED_TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, tagBegin)}`);
    const attributes = new Map<string, string>();
    for (;;) {
      while (isSpace(source[i])) i++;
      if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, tagBegin)}`);
      if (source[i] === '>') {
        i += 1;
        break;
      }
      let attrName = '';
      while (i < source.length && /[a-zA-Z0-9_-]/.test(source[i] ?? '')) attrName += source[i++];
      if (attrName === '') {
        fail(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(source, tagBegin)}`);
      }
      attrName = attrName.toLowerCase();
      while (isSpace(source[i])) i++;
      if (source[i] !== '=') {
        // Only blockquote has a value-less attribute.
        if (name === 'blockquote' && attrName === 'expandable') {
          attributes.set(attrName, '');
          continue;
        }
        fail(`Expected equal sign in declaration of an attribute of the tag "${name}" at byte offset ${byteOffset(source, tagBegin)}`);
      }
      i += 1;
      while (isSpace(source[i])) i++;
      let value = '';
      const quote = source[i];
      if (quote === '"' || quote === "'") {
        i += 1;
        while (i < source.length && source[i] !== quote) {
          if (source[i] === '&') {
            const decoded = decodeEntity(source, i);
            if (decoded) {
              value += decoded.value;
              i += decoded.length;
              continue;
            }
          }
          value += source[i++];
        }
        if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, tagBegin)}`);
        i += 1;
      } else {
        while (i < source.length && !isSpace(source[i]) && source[i] !== '>') value += source[i++];
      }
      attributes.set(attrName, value);
    }
    if (name === 'span' && attributes.get('class') !== 'tg-spoiler') {
      fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, tagBegin)}`);
    }
    if (name === 'tg-emoji' && !/^[0-9]+$/.test(attributes.get('emoji-id') ?? '')) {
      fail(`Expected custom emoji identifier in the tag "tg-emoji" at byte offset ${byteOffset(source, tagBegin)}`);
    }
    stack.push({ name, start: text.length, attributes });
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  // Entities were collected in closing order; on ties the outer (closed later) one comes first.
  entities.reverse().sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function toEntity(tag: OpenTag, length: number, outer: OpenTag[]): MessageEntity | undefined {
  if (length <= 0) return undefined; // Telegram silently drops empty entities.
  const offset = tag.start;
  switch (tag.name) {
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'span':
    case 'tg-spoiler':
      return { type: 'spoiler', offset, length };
    case 'blockquote':
      return { type: tag.attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset, length };
    case 'tg-emoji':
      return { type: 'custom_emoji', offset, length, custom_emoji_id: tag.attributes.get('emoji-id') ?? '' };
    case 'code': {
      // <pre><code class="language-x"> turns the pre into a pre with a language.
      const parent = outer[outer.length - 1];
      const language = /^language-(.+)$/.exec(tag.attributes.get('class') ?? '')?.[1];
      if (parent?.name === 'pre' && language) {
        parent.attributes.set('language', language);
        return undefined;
      }
      return { type: 'code', offset, length };
    }
    case 'pre': {
      const language = tag.attributes.get('language');
      return language ? { type: 'pre', offset, length, language } : { type: 'pre', offset, length };
    }
    case 'a': {
      const href = tag.attributes.get('href') ?? '';
      const userId = /^tg:\/\/user\?id=([0-9]+)$/.exec(href)?.[1];
      if (userId) {
        return { type: 'text_mention', offset, length, user: { id: Number(userId), is_bot: false, first_name: '' } };
      }
      if (href === '') return undefined; // TDLib drops links without a usable URL.
      return { type: 'text_link', offset, length, url: href };
    }
    default:
      return undefined;
  }
}

/** Escapes text for HTML parse mode (handy for tests that build expected HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

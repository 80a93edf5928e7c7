import type { MessageEntity } from 'grammy/types';
import { EntityParseError, type ParsedText } from './html.ts';

/**
 * MarkdownV2 and legacy Markdown parse modes, following TDLib's rules closely enough to reject what
 * Telegram rejects most often (unescaped reserved characters, unclosed entities). Bots in this project
 * are expected to use HTML; this exists so a stray Markdown call does not silently pass.
 */

const RESERVED_V2 = new Set(['_', '*', '[', ']', '(', ')', '~', '`', '>', '#', '+', '-', '=', '|', '{', '}', '.', '!']);

type ToggleType = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler';

interface Open {
  type: ToggleType | 'text_link' | 'custom_emoji';
  start: number;
  byte: number;
}

const ENTITY_NAMES: Record<Open['type'], string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
};

function byteAt(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

function fail(message: string): never {
  throw new EntityParseError(message);
}

/** Reads a `(url)` part starting at `i` (which holds '('); ')' and '\' must be escaped inside. */
function readUrl(source: string, i: number): { url: string; next: number } {
  let url = '';
  let j = i + 1;
  while (j < source.length && source[j] !== ')') {
    if (source[j] === '\\' && j + 1 < source.length) j += 1;
    url += source[j++];
  }
  if (j >= source.length) fail(`Can't find end of a url at byte offset ${byteAt(source, i)}`);
  return { url, next: j + 1 };
}

export function parseMarkdownV2(source: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;
  let i = 0;
  const toggle = (type: ToggleType, width: number): void => {
    const top = stack[stack.length - 1];
    if (top?.type === type) {
      stack.pop();
      if (text.length > top.start) entities.push({ type, offset: top.start, length: text.length - top.start });
    } else {
      stack.push({ type, start: text.length, byte: byteAt(source, i) });
    }
    i += width;
  };
  while (i < source.length) {
    const ch = source[i] ?? '';
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (ch === '\\' && i + 1 < source.length && (source.codePointAt(i + 1) ?? 0) <= 126) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n' && quoteStart !== undefined && source[i + 1] !== '>') {
      entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (!RESERVED_V2.has(ch)) {
      text += ch;
      i += 1;
      continue;
    }
    if (ch === '>' && atLineStart) {
      quoteStart ??= text.length;
      i += 1;
      continue;
    }
    if (ch === '*') toggle('bold', 1);
    else if (ch === '_' && source[i + 1] === '_') toggle('underline', 2);
    else if (ch === '_') toggle('italic', 1);
    else if (ch === '~') toggle('strikethrough', 1);
    else if (ch === '|' && source[i + 1] === '|') toggle('spoiler', 2);
    else if (ch === '`') {
      const isPre = source.startsWith('```', i);
      const fence = isPre ? '```' : '`';
      const begin = i;
      let j = i + fence.length;
      let language: string | undefined;
      if (isPre) {
        const lineEnd = source.indexOf('\n', j);
        const firstLine = lineEnd === -1 ? '' : source.slice(j, lineEnd);
        if (lineEnd !== -1 && /^[^\s`]+$/.test(firstLine)) {
          language = firstLine;
          j = lineEnd + 1;
        }
      }
      const start = text.length;
      while (j < source.length && !source.startsWith(fence, j)) {
        if (source[j] === '\\' && j + 1 < source.length) j += 1;
        text += source[j++];
      }
      if (j >= source.length) fail(`Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${byteAt(source, begin)}`);
      i = j + fence.length;
      if (text.length > start) {
        entities.push(
          isPre
            ? language
              ? { type: 'pre', offset: start, length: text.length - start, language }
              : { type: 'pre', offset: start, length: text.length - start }
            : { type: 'code', offset: start, length: text.length - start },
        );
      }
    } else if (ch === '[') {
      stack.push({ type: 'text_link', start: text.length, byte: byteAt(source, i) });
      i += 1;
    } else if (ch === '!' && source[i + 1] === '[') {
      stack.push({ type: 'custom_emoji', start: text.length, byte: byteAt(source, i) });
      i += 2;
    } else if (ch === ']' && (stack[stack.length - 1]?.type === 'text_link' || stack[stack.length - 1]?.type === 'custom_emoji')) {
      const open = stack.pop();
      if (!open) break;
      if (source[i + 1] !== '(') fail(`Can't find end of ${ENTITY_NAMES[open.type]} entity at byte offset ${open.byte}`);
      const { url, next } = readUrl(source, i + 1);
      i = next;
      const length = text.length - open.start;
      if (length > 0 && open.type === 'text_link') entities.push({ type: 'text_link', offset: open.start, length, url });
      if (length > 0 && open.type === 'custom_emoji') {
        const id = /^tg:\/\/emoji\?id=([0-9]+)$/.exec(url)?.[1];
        if (!id) fail(`Custom emoji URL must have an emoji identifier`);
        entities.push({ type: 'custom_emoji', offset: open.start, length, custom_emoji_id: id });
      }
    } else {
      fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
  }
  if (quoteStart !== undefined) entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end of ${ENTITY_NAMES[unclosed.type]} entity at byte offset ${unclosed.byte}`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/** Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url); only those four characters are special. */
export function parseMarkdownLegacy(source: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\\' && '_*`['.includes(source[i + 1] ?? 'x')) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(ch)) {
      text += ch;
      i += 1;
      continue;
    }
    const begin = i;
    const end = ch === '[' ? ']' : source.startsWith('```', i) ? '```' : ch;
    const close = source.indexOf(end, i + (end === '```' ? 3 : 1));
    if (close === -1) fail(`Can't find end of the entity starting at byte offset ${byteAt(source, begin)}`);
    const inner = source.slice(i + (end === '```' ? 3 : 1), close);
    const start = text.length;
    text += inner;
    i = close + end.length;
    const length = text.length - start;
    if (ch === '[') {
      if (source[i] !== '(') fail(`Can't find end of the entity starting at byte offset ${byteAt(source, begin)}`);
      const { url, next } = readUrl(source, i);
      i = next;
      if (length > 0) entities.push({ type: 'text_link', offset: start, length, url });
    } else if (length > 0) {
      const type = ch === '*' ? 'bold' : ch === '_' ? 'italic' : end === '```' ? 'pre' : 'code';
      entities.push({ type, offset: start, length });
    }
  }
  return { text, entities };
}

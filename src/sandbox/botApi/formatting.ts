import type { MessageEntity } from 'grammy/types';
import { badRequest } from './errors.ts';
import { EntityParseError, parseHtml, type ParsedText } from './html.ts';
import { parseMarkdownLegacy, parseMarkdownV2 } from './markdown.ts';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export interface FormattedText {
  /** Plain text after entity parsing and trimming: what the user sees. */
  text: string;
  entities: MessageEntity[];
  /** What the bot actually sent (the HTML source in HTML mode). */
  source: string;
  parseMode: string | undefined;
}

/** Length as Telegram counts it for the 4096/1024 limits: Unicode code points. */
export function telegramLength(text: string): number {
  return [...text].length;
}

function parse(source: string, parseMode: string | undefined): ParsedText {
  const mode = parseMode?.toLowerCase();
  try {
    if (mode === undefined || mode === '') return { text: source, entities: [] };
    if (mode === 'html') return parseHtml(source);
    if (mode === 'markdownv2') return parseMarkdownV2(source);
    if (mode === 'markdown') return parseMarkdownLegacy(source);
  } catch (error) {
    if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
  throw badRequest('unsupported parse_mode');
}

/** Telegram strips leading/trailing whitespace after parsing; entities are shifted and clipped to match. */
function trim(parsed: ParsedText): ParsedText {
  const lead = parsed.text.length - parsed.text.trimStart().length;
  const text = parsed.text.trim();
  const entities = parsed.entities
    .map((e) => {
      const start = Math.max(0, e.offset - lead);
      const end = Math.min(text.length, e.offset + e.length - lead);
      return { ...e, offset: start, length: end - start };
    })
    .filter((e) => e.length > 0);
  return { text, entities };
}

/** Entities Telegram detects by itself in any text: commands, mentions, hashtags, URLs, e-mails. */
export function detectEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const patterns: Array<[RegExp, 'bot_command' | 'mention' | 'hashtag' | 'url' | 'email']> = [
    [/(?<![\w/@])\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])/g, 'bot_command'],
    [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, 'email'],
    [/(?<![\w@])@[a-zA-Z0-9_]{4,32}(?!\w)/g, 'mention'],
    [/(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu, 'hashtag'],
    [/\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g, 'url'],
  ];
  for (const [pattern, type] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const offset = match.index;
      const overlaps = found.some((e) => offset < e.offset + e.length && e.offset < offset + match[0].length);
      if (!overlaps) found.push({ type, offset, length: match[0].length });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * Applies parse_mode / explicit entities the way Telegram does and enforces the length rules.
 * `kind` selects the limits: message text must be 1-4096 characters, captions 0-1024.
 */
export function formatText(
  source: string,
  options: { parseMode?: string | undefined; entities?: MessageEntity[] | undefined; kind: 'text' | 'caption' },
): FormattedText {
  // Explicit entities win over parse_mode, as in the Bot API.
  const parsed = trim(options.entities ? { text: source, entities: options.entities } : parse(source, options.parseMode));
  const length = telegramLength(parsed.text);
  if (options.kind === 'text') {
    if (length === 0) throw badRequest('message text is empty');
    if (length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
  } else if (length > MAX_CAPTION_LENGTH) {
    throw badRequest('message caption is too long');
  }
  const explicit = parsed.entities;
  const automatic = detectEntities(parsed.text).filter(
    (a) => !explicit.some((e) => a.offset < e.offset + e.length && e.offset < a.offset + a.length && (e.type === 'code' || e.type === 'pre' || e.type === 'text_link')),
  );
  const entities = [...explicit, ...automatic].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: parsed.text, entities, source, parseMode: options.entities ? undefined : options.parseMode };
}

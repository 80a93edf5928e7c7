import { invalid, valid, type Checked } from '../common/validation.ts';

/**
 * Tutorial content is stored as Telegram HTML restricted to a safe subset: <b> <i> <u> <s> <tg-spoiler>
 * <code> <pre> <blockquote> (optionally `expandable`) and <a href="http(s)://…">. Authors never type markup:
 * they format with Telegram's own tools and the message's entities become this HTML (entitiesToHtml); starter
 * content is written in it and checked by the same parser. Everything is validated on save.
 */
export type ContentToken =
  | { kind: 'text'; text: string }
  | { kind: 'open'; name: string; attributes: string }
  | { kind: 'close'; name: string };

/** Longest content an author may save (of its HTML): a long tutorial, sent as several messages. */
export const MAX_CONTENT_LENGTH = 30_000;

const SIMPLE_TAGS = new Set(['b', 'i', 'u', 's', 'tg-spoiler', 'code', 'pre', 'blockquote', 'a']);
// Telegram lets nothing nest inside code, and no link inside a link or quote inside a quote.
const NO_TAGS_INSIDE = new Set(['code', 'pre']);
const NOT_NESTED = new Set(['a', 'blockquote']);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

export function escapeContent(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An http(s) address with a host name, as a link or a video may have. */
export function isWebUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.') && !/\s/.test(text);
}

function decodeEntities(text: string): Checked<string> {
  let failure: string | undefined;
  const decoded = text.replace(/&([^;\s]{0,10});?/g, (entity, name: string) => {
    const named = NAMED[name];
    if (named && entity.endsWith(';')) return named;
    const numeric = /^#(x[0-9a-f]{1,6}|[0-9]{1,7})$/i.exec(name)?.[1];
    const code = numeric === undefined ? NaN : numeric.startsWith('x') || numeric.startsWith('X') ? parseInt(numeric.slice(1), 16) : Number(numeric);
    if (entity.endsWith(';') && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    failure ??= `“${entity}” is not a valid HTML entity; write & as &amp;.`;
    return entity;
  });
  return failure ? invalid(failure) : valid(decoded);
}

function parseOpenTag(name: string, rest: string): Checked<ContentToken> {
  const attributes = rest.trim();
  if (name === 'a') {
    const href = /^href="([^"]*)"$/.exec(attributes)?.[1];
    const url = href === undefined ? undefined : decodeEntities(href);
    if (!url?.ok || !isWebUrl(url.value)) return invalid('A link needs href="https://…" and nothing else.');
    return valid({ kind: 'open', name, attributes: ` href="${escapeContent(url.value)}"` });
  }
  if (name === 'blockquote' && attributes === 'expandable') return valid({ kind: 'open', name, attributes: ' expandable' });
  if (attributes !== '') return invalid(`The tag <${name}> takes no attributes.`);
  return valid({ kind: 'open', name, attributes: '' });
}

/** The tokens of content in the subset, or why it is not. */
export function parseContent(html: string): Checked<ContentToken[]> {
  const tokens: ContentToken[] = [];
  const open: string[] = [];
  const pattern = /<(\/?)([a-z-]*)([^<>]*)>|([^<]+)|(<)/gi;
  for (const match of html.matchAll(pattern)) {
    const [, slash, rawName, rest = '', text, bareBracket] = match;
    if (bareBracket) return invalid('A “<” that starts no tag: write it as &lt;.');
    if (text !== undefined) {
      if (text.includes('>')) return invalid('A “>” outside a tag: write it as &gt;.');
      const decoded = decodeEntities(text);
      if (!decoded.ok) return decoded;
      tokens.push({ kind: 'text', text: decoded.value });
      continue;
    }
    const name = (rawName ?? '').toLowerCase();
    if (!SIMPLE_TAGS.has(name)) return invalid(`The tag <${name || '?'}> is not allowed here.`);
    if (slash) {
      if (rest.trim() !== '') return invalid(`The closing tag </${name}> takes no attributes.`);
      if (open.pop() !== name) return invalid(`</${name}> closes a tag that is not open.`);
      tokens.push({ kind: 'close', name });
      continue;
    }
    const parent = open.at(-1);
    if (parent && NO_TAGS_INSIDE.has(parent)) return invalid(`Nothing can be formatted inside <${parent}>.`);
    if (NOT_NESTED.has(name) && open.includes(name)) return invalid(`A <${name}> cannot be inside another one.`);
    const token = parseOpenTag(name, rest);
    if (!token.ok) return token;
    open.push(name);
    tokens.push(token.value);
  }
  const unclosed = open.pop();
  return unclosed ? invalid(`The tag <${unclosed}> is never closed.`) : valid(tokens);
}

export function renderTokens(tokens: readonly ContentToken[]): string {
  return tokens
    .map((token) => (token.kind === 'text' ? escapeContent(token.text) : token.kind === 'open' ? `<${token.name}${token.attributes}>` : `</${token.name}>`))
    .join('');
}

/** What a reader sees of valid content: its text without the markup. */
export function visibleText(tokens: readonly ContentToken[]): string {
  return tokens.map((token) => (token.kind === 'text' ? token.text : '')).join('');
}

/** Content checked for saving: valid in the subset, not empty, not too long; returned normalised. */
export function checkContent(html: string): Checked<string> {
  const parsed = parseContent(html.trim());
  if (!parsed.ok) return invalid(`The content is not valid: ${parsed.reason}`);
  if (visibleText(parsed.value).trim() === '') return invalid('The content is empty. Send the text of the tutorial.');
  const normalised = renderTokens(parsed.value);
  if (normalised.length > MAX_CONTENT_LENGTH) {
    return invalid(`The content is ${normalised.length.toLocaleString('en-GB')} characters long; the most is ${MAX_CONTENT_LENGTH.toLocaleString('en-GB')}. Shorten it or split it into two tutorials.`);
  }
  return valid(normalised);
}

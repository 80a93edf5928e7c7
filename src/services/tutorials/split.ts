import { escapeContent, parseContent, type ContentToken } from './content.ts';

type Open = Extract<ContentToken, { kind: 'open' }>;

function isSpace(character: string | undefined): boolean {
  return character !== undefined && /\s/.test(character);
}

/** Telegram's limits count UTF-16 units at most once per character; counting units is never short. */
function sizeOf(characters: readonly string[], from: number, to: number): number {
  let size = 0;
  for (let index = from; index < to; index += 1) size += characters[index]?.length ?? 0;
  return size;
}

/**
 * Where each part after the first starts, as indexes into the visible characters: the last paragraph break
 * that leaves the part at least half full, else the last line break, else the last space; a "word" longer
 * than a whole part is the only thing ever cut. Every part then starts at a visible character.
 */
function cutPoints(characters: readonly string[], budget: number): number[] {
  const cuts: number[] = [];
  let start = 0;
  while (sizeOf(characters, start, characters.length) > budget) {
    let end = start;
    let size = 0;
    while (end < characters.length && size + (characters[end]?.length ?? 0) <= budget) {
      size += characters[end]?.length ?? 0;
      end += 1;
    }
    const half = start + Math.floor((end - start) / 2);
    const after = (test: (index: number) => boolean, from: number): number | undefined => {
      for (let index = end; index > from; index -= 1) if (test(index)) return index;
      return undefined;
    };
    const paragraph = after((index) => characters[index - 1] === '\n' && characters[index - 2] === '\n', half);
    const line = after((index) => characters[index - 1] === '\n', half);
    const word = after((index) => isSpace(characters[index - 1]) && !isSpace(characters[index]), start);
    let cut = paragraph ?? line ?? word ?? end;
    // The next part starts at its first visible character; the spaces before it end the previous part.
    while (isSpace(characters[cut])) cut += 1;
    if (cut >= characters.length) break;
    cuts.push(cut);
    start = cut;
  }
  return cuts;
}

/**
 * Splits valid content into parts whose visible text fits `budget`, each part valid HTML on its own: the tags
 * open at a cut are closed at the end of one part and opened again at the start of the next.
 */
export function splitContent(html: string, budget: number): string[] {
  const parsed = parseContent(html);
  if (!parsed.ok) throw new Error(`splitContent: invalid content (${parsed.reason})`);
  const characters = parsed.value.flatMap((token) => (token.kind === 'text' ? [...token.text] : []));
  const cuts = cutPoints(characters, budget);
  const parts: string[] = [];
  const open: Open[] = [];
  let current = '';
  let position = 0;
  let nextCut = 0;
  for (const token of parsed.value) {
    if (token.kind === 'open') {
      open.push(token);
      current += `<${token.name}${token.attributes}>`;
    } else if (token.kind === 'close') {
      open.pop();
      current += `</${token.name}>`;
    } else {
      // The text between cuts is escaped in one piece (character by character cost more than the rest of a view).
      const text = [...token.text];
      let from = 0;
      for (let cut = cuts[nextCut]; cut !== undefined && cut < position + text.length; cut = cuts[nextCut]) {
        current += escapeContent(text.slice(from, cut - position).join(''));
        parts.push(current + open.toReversed().map((tag) => `</${tag.name}>`).join(''));
        current = open.map((tag) => `<${tag.name}${tag.attributes}>`).join('');
        from = cut - position;
        nextCut += 1;
      }
      current += escapeContent(text.slice(from).join(''));
      position += text.length;
    }
  }
  parts.push(current);
  return parts;
}

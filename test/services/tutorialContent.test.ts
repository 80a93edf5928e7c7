import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TUTORIAL_CATEGORIES } from '../../src/services/tutorials/categories.ts';
import { checkContent, parseContent, visibleText } from '../../src/services/tutorials/content.ts';
import { entitiesToHtml } from '../../src/services/tutorials/entities.ts';
import { slugBase, uniqueSlug } from '../../src/services/tutorials/slugs.ts';
import { splitContent } from '../../src/services/tutorials/split.ts';
import { STARTER_TUTORIALS } from '../../src/services/tutorials/starter/index.ts';
import { parseHtml } from '../support/fakeTelegram/index.ts';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('tutorial content', () => {
  it('accepts the safe subset of Telegram HTML and normalises it', () => {
    const content = checkContent('  <b>Bold</b> <i>it</i> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler> <code>c</code>\n<pre>p</pre> <blockquote expandable>q</blockquote> <a href="https://example.com/a?b=1&amp;c=2">link</a> &lt;3 &amp; &#8373;  ');
    expect(content).toEqual({
      ok: true,
      value: '<b>Bold</b> <i>it</i> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler> <code>c</code>\n<pre>p</pre> <blockquote expandable>q</blockquote> <a href="https://example.com/a?b=1&amp;c=2">link</a> &lt;3 &amp; ₵',
    });
    expect(() => parseHtml(content.ok ? content.value : '')).not.toThrow();
  });

  it.each([
    ['<div>x</div>', 'The tag <div> is not allowed here.'],
    ['<b>open', 'The tag <b> is never closed.'],
    ['<b>x</i>', '</i> closes a tag that is not open.'],
    ['1 < 2', 'A “<” that starts no tag: write it as &lt;.'],
    ['AT&T', '“&T” is not a valid HTML entity; write & as &amp;.'],
    ['<a href="javascript:alert(1)">x</a>', 'A link needs href="https://…" and nothing else.'],
    ['<b onclick="x">y</b>', 'The tag <b> takes no attributes.'],
    ['<code><b>x</b></code>', 'Nothing can be formatted inside <code>.'],
    ['<a href="https://a.com"><a href="https://b.com">x</a></a>', 'A <a> cannot be inside another one.'],
    ['<b> </b>', 'The content is empty. Send the text of the tutorial.'],
  ])('refuses %s', (html, reason) => {
    const checked = checkContent(html);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toContain(reason);
  });

  it('turns what an author formatted in Telegram into content, their typed markup staying text', () => {
    // "Pay 💸 <now> & keep it" with "Pay 💸" bold, "💸" also italic, and a link on "keep it".
    const text = 'Pay 💸 <now> & keep it\n/start';
    const html = entitiesToHtml(text, [
      { type: 'bold', offset: 0, length: 6 },
      { type: 'italic', offset: 4, length: 2 },
      { type: 'text_link', offset: 15, length: 7, url: 'https://example.com/x?a=1&b="2"' },
      { type: 'bot_command', offset: 23, length: 6 },
      { type: 'text_link', offset: 0, length: 3, url: 'javascript:alert(1)' },
    ]);
    expect(html).toBe('<b>Pay <i>💸</i></b> &lt;now&gt; &amp; <a href="https://example.com/x?a=1&amp;b=&quot;2&quot;">keep it</a>\n/start');
    expect(checkContent(html)).toEqual({ ok: true, value: html });
    expect(parseHtml(html).text).toBe(text);
  });

  it('splits long content at paragraphs, then lines, then spaces, each part valid and within the budget', () => {
    const paragraph = (n: number) => `<b>Part ${n}</b> ${'word '.repeat(30).trim()}`;
    const content = Array.from({ length: 6 }, (_, index) => paragraph(index + 1)).join('\n\n');
    const parts = splitContent(content, 400);
    expect(parts.length).toBeGreaterThan(1);
    // Each part ends at a paragraph: the next one starts with its heading.
    for (const part of parts.slice(1)) expect(part).toMatch(/^<b>Part \d<\/b>/);
  });

  it('keeps every word and its formatting whole across random cuts', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9₵éü&<>"]{1,12}$/);
    const formatted = fc.tuple(fc.constantFrom('', 'b', 'i', 'code', 'a'), fc.array(word, { minLength: 1, maxLength: 8 })).map(([tag, items]) => {
      const text = items.map((item) => item.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')).join(' ');
      if (tag === '') return text;
      return tag === 'a' ? `<a href="https://example.com/">${text}</a>` : `<${tag}>${text}</${tag}>`;
    });
    const paragraph = fc.array(formatted, { minLength: 1, maxLength: 6 }).map((spans) => spans.join(' '));
    const content = fc.array(fc.tuple(paragraph, fc.constantFrom('\n\n', '\n', ' ')), { minLength: 1, maxLength: 30 }).map((items) =>
      items.map(([text, separator]) => text + separator).join('').trim(),
    );
    fc.assert(
      fc.property(content, fc.integer({ min: 30, max: 300 }), (html, budget) => {
        const parts = splitContent(html, budget);
        for (const part of parts) {
          const parsed = parseContent(part);
          expect(parsed.ok).toBe(true);
          expect(() => parseHtml(part)).not.toThrow();
          expect(visibleText(parsed.ok ? parsed.value : []).trim().length).toBeLessThanOrEqual(budget);
        }
        const original = parseContent(html);
        expect(parts.flatMap((part) => words(parseHtml(part).text))).toEqual(words(visibleText(original.ok ? original.value : [])));
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a word only when it is longer than a whole message', () => {
    const parts = splitContent(`short ${'x'.repeat(25)} end`, 10);
    expect(parts.every((part) => part.length <= 10)).toBe(true);
    expect(parts.join('').replace(/\s/g, '')).toBe(`short${'x'.repeat(25)}end`);
  });
});

describe('slugs', () => {
  it('are lower-case ASCII words joined by dashes, at most 50 characters', () => {
    expect(slugBase('Buy USDT with MoMo: step 1!')).toBe('buy-usdt-with-momo-step-1');
    expect(slugBase('Créer un compte — étape 2 & KYC')).toBe('creer-un-compte-etape-2-and-kyc');
    expect(slugBase('🎉🎉')).toBe('tutorial');
    const long = slugBase('How to keep your transaction PIN and your Telegram account safe from every scammer');
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long).toBe('how-to-keep-your-transaction-pin-and-your-telegram');
  });

  it('get a number when taken, still within 50 characters', async () => {
    const taken = new Set(['fees', 'fees-2', 'a'.repeat(50)]);
    const isTaken = (slug: string) => Promise.resolve(taken.has(slug));
    expect(await uniqueSlug('fees', isTaken)).toBe('fees-3');
    expect(await uniqueSlug('wallet', isTaken)).toBe('wallet');
    expect(await uniqueSlug('a'.repeat(50), isTaken)).toBe(`${'a'.repeat(48)}-2`);
  });
});

describe('starter tutorials', () => {
  it('are at least 12, cover every category, and are valid content with unique slugs that fit', () => {
    expect(STARTER_TUTORIALS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(STARTER_TUTORIALS.map((tutorial) => tutorial.category))).toEqual(new Set(TUTORIAL_CATEGORIES));
    expect(new Set(STARTER_TUTORIALS.map((tutorial) => tutorial.slug)).size).toBe(STARTER_TUTORIALS.length);
    for (const tutorial of STARTER_TUTORIALS) {
      expect(checkContent(tutorial.content), tutorial.slug).toMatchObject({ ok: true });
      expect(tutorial.slug.length, tutorial.slug).toBeLessThanOrEqual(50);
      expect(tutorial.slug).toBe(slugBase(tutorial.slug));
      expect(tutorial.excerpt.length, tutorial.slug).toBeLessThanOrEqual(200);
    }
  });
});

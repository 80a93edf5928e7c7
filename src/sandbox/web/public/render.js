// Renders the bot's messages as Telegram does, from plain text and entities (what the Bot API server parsed from the
// bot's HTML). Every node is made here from a fixed list of element types, and every piece of text becomes a text
// node: nothing the bot or a user wrote is ever parsed as HTML.

const SIMPLE_TAGS = { bold: 'b', italic: 'i', underline: 'u', strikethrough: 's', code: 'code' };
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Africa/Accra', hour: '2-digit', minute: '2-digit' });

/** An http(s) address as a string, or null for anything else (javascript:, data:, tg: …). */
export function safeUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function link(href, className) {
  const node = element('a', className);
  node.href = href;
  node.target = '_blank';
  node.rel = 'noopener noreferrer';
  return node;
}

function toggle(node, className) {
  node.addEventListener('click', (event) => {
    event.stopPropagation();
    node.classList.toggle(className);
  });
  return node;
}

function entityElement(entity, covered, handlers) {
  const simple = SIMPLE_TAGS[entity.type];
  if (simple) return element(simple);
  switch (entity.type) {
    case 'pre': {
      const node = element('pre');
      if (typeof entity.language === 'string') node.dataset.language = entity.language;
      return node;
    }
    case 'spoiler':
      return toggle(element('span', 'spoiler'), 'revealed');
    case 'blockquote':
      return element('blockquote');
    case 'expandable_blockquote':
      return toggle(element('blockquote', 'expandable'), 'expanded');
    case 'text_link': {
      const href = safeUrl(entity.url);
      return href ? link(href) : element('span', 'unsafe-link');
    }
    case 'url': {
      const href = safeUrl(/^https?:\/\//i.test(covered) ? covered : `http://${covered}`);
      return href ? link(href) : element('span');
    }
    case 'email': {
      const node = element('a');
      node.href = `mailto:${covered}`;
      return node;
    }
    case 'bot_command': {
      const node = element('a', 'command');
      node.href = '#';
      node.addEventListener('click', (event) => {
        event.preventDefault();
        handlers.command(covered);
      });
      return node;
    }
    default:
      return element('span', `entity-${String(entity.type).replace(/[^a-z_]/g, '')}`);
  }
}

/**
 * Appends text[start, end) to `parent`, nesting the entities of `spans` (sorted by start, then longest first, all
 * starting in the range). An entity that runs past `end` is split as Telegram clients do: the part inside nests
 * here and the rest is returned, to continue after the enclosing entity.
 */
function build(parent, text, start, end, spans, handlers) {
  const overflow = [];
  let position = start;
  while (spans.length > 0) {
    const span = spans.shift();
    if (span.start > position) parent.append(text.slice(position, span.start));
    const spanEnd = Math.min(span.end, end);
    if (span.end > end) overflow.push({ ...span, start: end });
    const inner = [];
    while (spans.length > 0 && spans[0].start < spanEnd) inner.push(spans.shift());
    const node = entityElement(span.entity, text.slice(span.start, span.end), handlers);
    spans.unshift(...build(node, text, span.start, spanEnd, inner, handlers));
    spans.sort(bySpan);
    parent.append(node);
    position = spanEnd;
  }
  if (end > position) parent.append(text.slice(position, end));
  return overflow;
}

function bySpan(a, b) {
  return a.start - b.start || b.end - a.end;
}

/** Text with its entities as DOM nodes (offsets are UTF-16 units, as in the Bot API and in JavaScript strings). */
export function renderFormatted(formatted, handlers) {
  const text = String(formatted.text ?? '');
  const spans = (Array.isArray(formatted.entities) ? formatted.entities : [])
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
    .map((entity) => ({ entity, start: entity.offset, end: entity.offset + entity.length }))
    .sort(bySpan);
  const node = element('div', 'text');
  build(node, text, 0, text.length, spans, handlers);
  return node;
}

function fileSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function ownFile(url) {
  return typeof url === 'string' && url.startsWith('/files/') ? url : null;
}

function photos(item) {
  const album = element('div', item.photos.length > 1 ? 'album' : 'photo');
  for (const photo of item.photos) {
    const src = ownFile(photo.url);
    if (!src) continue;
    const anchor = link(src, 'photo-link');
    const image = element('img');
    image.src = src;
    image.alt = 'Photo';
    image.loading = 'lazy';
    anchor.append(image);
    album.append(anchor);
  }
  return album;
}

function inlineKeyboard(item, handlers) {
  const keyboard = element('div', 'inline-keyboard');
  item.buttons.forEach((row, rowIndex) => {
    const line = element('div', 'inline-row');
    row.forEach((button, column) => {
      const node = element('button', `inline-button ${button.action}`, button.text);
      node.type = 'button';
      if (button.action === 'url') {
        const href = safeUrl(button.url);
        node.title = href ?? 'This link is not opened in the sandbox';
        node.append(element('span', 'corner', '↗'));
        node.addEventListener('click', () => href && window.open(href, '_blank', 'noopener,noreferrer'));
      } else if (button.action === 'copy') {
        node.addEventListener('click', () => handlers.copy(button.copy));
      } else if (button.action === 'callback') {
        node.addEventListener('click', () => handlers.tap(item, rowIndex, column, button, node));
      } else {
        node.disabled = true;
        node.title = 'Not simulated in the sandbox';
      }
      line.append(node);
    });
    keyboard.append(line);
  });
  return keyboard;
}

/** One message (or album) as a chat bubble with its inline keyboard. */
export function renderItem(item, options, handlers) {
  const wrapper = element('div', `message ${item.mine ? 'mine' : 'theirs'}`);
  wrapper.dataset.id = String(item.id);
  const bubble = element('div', 'bubble');
  if (options.group && !item.mine) bubble.append(element('div', 'sender', item.sender));
  if (item.replyTo) {
    const quote = element('div', 'reply-quote');
    quote.append(element('div', 'reply-sender', item.replyTo.sender), element('div', 'reply-preview', item.replyTo.preview));
    bubble.append(quote);
  }
  if (item.photos) bubble.append(photos(item));
  if (item.document) {
    const href = ownFile(item.document.url);
    const file = href ? link(href, 'document') : element('div', 'document');
    if (href) file.download = item.document.name;
    file.append(element('span', 'document-icon', '📄'), element('span', 'document-name', item.document.name), element('span', 'muted', fileSize(item.document.size)));
    bubble.append(file);
  }
  if (item.contact) bubble.append(element('div', 'contact', `📇 ${item.contact.name} · ${item.contact.phone}`));
  if (item.text) bubble.append(renderFormatted(item.text, handlers));
  if (item.caption) bubble.append(renderFormatted(item.caption, handlers));
  const meta = element('div', 'meta');
  if (item.unseenByBot) meta.append(element('span', 'unseen', 'not seen by the bot'));
  if (item.edited) meta.append(element('span', 'edited', 'edited'));
  meta.append(element('span', 'time', TIME.format(new Date(item.time * 1000))));
  const replyButton = element('button', 'reply-button', '↩');
  replyButton.type = 'button';
  replyButton.title = 'Reply';
  replyButton.addEventListener('click', () => handlers.reply(item));
  meta.append(replyButton);
  bubble.append(meta);
  wrapper.append(bubble);
  if (item.buttons) wrapper.append(inlineKeyboard(item, handlers));
  return wrapper;
}

/** The bot's clock as shown in the top bar. */
export function formatClock(date) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Africa/Accra', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(date);
}

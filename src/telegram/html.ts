/** HTML that is already safe to send with parse_mode HTML. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type Interpolation = SafeHtml | string | number | null | undefined | readonly SafeHtml[];

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((part: SafeHtml) => part.value).join('');
  return escapeHtml(String(value));
}

/**
 * Template tag for bot messages: every interpolated value is escaped unless it is SafeHtml already,
 * so text a user typed can never break the markup or inject tags.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, part, index) => out + render(values[index - 1] ?? null) + part));
}

export function joinHtml(parts: readonly SafeHtml[], separator = '\n'): SafeHtml {
  return new SafeHtml(parts.map((part) => part.value).join(separator));
}

/** The text Telegram shows for `markup` (tags dropped, entities decoded): to tell whether an edit would change anything. */
export function plainText(markup: SafeHtml): string {
  return markup.value
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** "👤 Ama: " with a link to the person, to address one admin in the group. */
export function addressTo(person: { id: number; first_name: string }): SafeHtml {
  return html`👤 <a href="tg://user?id=${person.id}">${person.first_name}</a>: `;
}

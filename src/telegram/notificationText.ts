import { html, SafeHtml } from './html.ts';

/**
 * A notification as the user receives it, and as a broadcast's preview shows it: the title in bold, then the
 * text (escaped, or the checked HTML a broadcast stores).
 */
export function notificationText(notice: { title: string | null; message: string; format: 'text' | 'html' }): SafeHtml {
  const body = notice.format === 'html' ? new SafeHtml(notice.message) : html`${notice.message}`;
  return notice.title ? html`<b>${notice.title}</b>\n${body}` : body;
}

import type { BotContext } from '../../context.ts';
import type { SafeHtml } from '../../telegram/html.ts';

const ESCAPES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&' };

/** The visible text of the bot's own HTML (its tags and the four escapes only), as Telegram shows it. */
function plainText(html: SafeHtml): string {
  return html.value.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|amp);/g, (escape) => ESCAPES[escape] ?? escape).trim();
}

/**
 * Whether the message whose button was tapped already shows this text (when given) and these buttons: a
 * double tap. Telegram refuses an edit that changes nothing, so such an edit is not sent.
 */
export function alreadyShows(ctx: BotContext, text: SafeHtml | undefined, labels: readonly string[]): boolean {
  const message = ctx.callbackQuery?.message;
  if (!message) return false;
  const markup = 'reply_markup' in message ? message.reply_markup : undefined;
  const shown = (markup?.inline_keyboard ?? []).flat().map((button) => button.text);
  const sameText = text === undefined || ('text' in message && message.text === plainText(text));
  return sameText && JSON.stringify(shown) === JSON.stringify(labels);
}

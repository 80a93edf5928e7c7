import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs } from '../../services/common/amounts.ts';
import { invalid, type Checked } from '../../services/common/validation.ts';
import { checkRate } from '../../services/giftcards/rules.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { ask } from '../ask/ask.ts';
import { checkPhoto, type PhotoDeps, type PhotoRef } from '../ask/photos.ts';

/** A typed answer from the admin (in the admin group, ask() forces the reply to them). */
export function askAdminText<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  check: (text: string) => Checked<T>,
): Promise<T> {
  return ask(conversation, ctx, {
    text: html`${text} Send /cancel to stop.`,
    check: (answer) => (answer.kind === 'text' ? check(answer.text) : invalid('Please type your answer as a reply to my question.')),
  });
}

/** A buying or selling rate in cedis per 1 unit of face value. */
export function askRate(
  conversation: BotConversation,
  ctx: ConversationContext,
  which: 'buying' | 'selling',
  currency: string,
  current?: string,
): Promise<string> {
  const meaning = which === 'buying' ? 'what we pay users' : 'what we sell the card for';
  const now = current ? html` It is ${formatGhs(current)} now.` : html``;
  const example = which === 'buying' ? '11.50' : '12.80';
  return askAdminText(conversation, ctx, html`Type the <b>${which} rate</b> (${meaning}) in cedis per 1 ${currency} of face value, e.g. ${example}.${now}`, (text) =>
    checkRate(text, which, currency),
  );
}

/** A picture of the card, checked as it arrives (stored only when the change is saved). */
export function askCardPicture(conversation: BotConversation, ctx: ConversationContext, deps: PhotoDeps): Promise<PhotoRef> {
  return ask(conversation, ctx, {
    text: html`Send the picture of the card users will see (at least 600 pixels on the short side). Send /cancel to stop.`,
    acceptsFile: true,
    check: (answer) =>
      answer.kind === 'file' ? checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize }) : invalid('Please send a photo, as a reply to my question.'),
  });
}

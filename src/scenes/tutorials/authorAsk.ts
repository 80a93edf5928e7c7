import type { BotConversation, ConversationContext } from '../../context.ts';
import type { Checked } from '../../services/common/validation.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';
import { ask, type Answer } from '../ask/ask.ts';

/** A button offered besides typing; in the admin group, where the question is a forced reply, it is typed. */
export interface AuthorOption {
  label: string;
  value: string;
  /** The word that stands for the button in the admin group, e.g. "skip". */
  typed: string;
}

export interface AuthorQuestion<T> {
  text: SafeHtml;
  options?: readonly AuthorOption[];
  acceptsFile?: boolean;
  check: (answer: Answer) => Checked<T> | Promise<Checked<T>>;
}

function inGroup(ctx: ConversationContext): boolean {
  return ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
}

/**
 * A question for an author who types the answer. In their private chat: the question with its options as
 * buttons. In the admin group, where ask() makes a typed question a forced reply to that admin (privacy mode
 * shows the bot only replies to its own messages), the options are typed as words instead.
 */
export function authorAsk<T>(conversation: BotConversation, ctx: ConversationContext, question: AuthorQuestion<T>): Promise<T> {
  const options = question.options ?? [];
  if (!inGroup(ctx)) {
    return ask(conversation, ctx, {
      text: question.text,
      choices: options.length > 0 ? [options.map(({ label, value }) => ({ label, value }))] : undefined,
      acceptsText: true,
      acceptsFile: question.acceptsFile,
      check: question.check,
    });
  }
  const words = joinHtml(options.map((option) => html`<b>${option.typed}</b> (${option.label})`), ' or ');
  return ask(conversation, ctx, {
    text: options.length > 0 ? html`${question.text}\nOr reply ${words}.` : question.text,
    placeholder: 'Your answer',
    acceptsText: true,
    acceptsFile: question.acceptsFile,
    check: (answer) => {
      const word = answer.kind === 'text' ? answer.text.trim().toLowerCase() : undefined;
      const option = options.find((candidate) => candidate.typed === word);
      return question.check(option ? { kind: 'button', value: option.value, label: option.label } : answer);
    },
  });
}

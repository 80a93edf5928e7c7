import type { Contact, ForceReply, InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { InlineKeyboard, type Keyboard } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { checkPersonName } from '../../services/accounts/contactDetails.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';

export type Answer =
  /** Typed text, with its formatting (bold, links …) for questions that keep it. */
  | { kind: 'text'; text: string; entities?: readonly MessageEntity[] }
  | { kind: 'button'; value: string; label: string }
  | { kind: 'contact'; contact: Contact }
  /** A photo (its largest size) or a file sent as a document: the check decides whether it is usable. */
  | { kind: 'file'; fileId: string; fileSize: number | undefined };

export interface Choice {
  label: string;
  value: string;
}

export interface Question<T> {
  text: SafeHtml;
  /** Inline buttons, one array per row; tapping one answers with its value. */
  choices?: readonly (readonly Choice[])[];
  /** A reply keyboard (e.g. "Share my phone number") or a forced reply; ignored when there are choices. */
  replyMarkup?: Keyboard | ForceReply;
  /** Whether typed text is an answer (by default, when there are no choices). */
  acceptsText?: boolean;
  acceptsContact?: boolean;
  acceptsFile?: boolean;
  /** Delete the user's message as soon as it arrives (PINs). */
  secret?: boolean;
  /** In groups, take only replies to the question as answers; other messages are ignored silently. */
  repliesOnly?: boolean;
  /** Turns an answer into a value, or a reason to ask again. */
  check(answer: Answer): Checked<T> | Promise<Checked<T>>;
}

export const IN_CONVERSATION_HINT = html`Please answer the question above first, or send /cancel to stop.`;

function choiceData(value: string): string {
  return `ask:${value}`;
}

function inlineKeyboard(choices: readonly (readonly Choice[])[]): InlineKeyboardMarkup {
  return InlineKeyboard.from(choices.map((row) => row.map((choice) => InlineKeyboard.text(choice.label, choiceData(choice.value)))));
}

function findChoice(choices: readonly (readonly Choice[])[], data: string): Choice | undefined {
  return choices.flat().find((choice) => choiceData(choice.value) === data);
}

/**
 * Asks one question and waits until it gets a valid answer: an invalid one is answered with the reason and
 * the question stands; buttons of older messages and unexpected messages get a hint instead of an error.
 * When answered by a button, the question is edited to show the choice and lose its buttons.
 */
export async function ask<T>(conversation: BotConversation, ctx: ConversationContext, question: Question<T>): Promise<T> {
  const acceptsText = question.acceptsText ?? (!question.choices && !question.acceptsFile);
  const replyMarkup = question.choices ? inlineKeyboard(question.choices) : question.replyMarkup;
  const sent = await ctx.reply(question.text.value, replyMarkup ? { reply_markup: replyMarkup } : {});

  for (;;) {
    const update = await conversation.wait();
    const answer = await readAnswer(update, question, sent.message_id, acceptsText);
    if (!answer) continue;
    const checked = await question.check(answer);
    if (checked.ok) {
      if (answer.kind === 'button') {
        await update.api.editMessageText(sent.chat.id, sent.message_id, html`${question.text}\n\n<i>➜ ${answer.label}</i>`.value);
      }
      return checked.value;
    }
    await update.reply(html`${checked.reason}`.value);
  }
}

/** The answer carried by an update, or undefined after telling the user what is expected instead. */
async function readAnswer(
  update: ConversationContext,
  question: Question<unknown>,
  questionMessageId: number,
  acceptsText: boolean,
): Promise<Answer | undefined> {
  if (update.callbackQuery) {
    const choice = question.choices && update.callbackQuery.message?.message_id === questionMessageId
      ? findChoice(question.choices, update.callbackQuery.data ?? '')
      : undefined;
    if (!choice) {
      await update.answerCallbackQuery({ text: 'That button is no longer active. Please answer the latest question.' });
      return undefined;
    }
    await update.answerCallbackQuery();
    return { kind: 'button', value: choice.value, label: choice.label };
  }
  const message = update.message;
  if (!message) return undefined;
  const inGroup = update.chat?.type === 'group' || update.chat?.type === 'supergroup';
  if (question.repliesOnly && inGroup && message.reply_to_message?.message_id !== questionMessageId) return undefined;
  if (message.text !== undefined && question.secret) await update.deleteMessage().catch(() => undefined);
  if (message.text?.startsWith('/')) {
    await update.reply(IN_CONVERSATION_HINT.value);
    return undefined;
  }
  if (message.contact && question.acceptsContact) return { kind: 'contact', contact: message.contact };
  if (message.text !== undefined && acceptsText) return { kind: 'text', text: message.text, entities: message.entities ?? [] };
  const file = message.photo?.at(-1) ?? message.document;
  if (file && question.acceptsFile) return { kind: 'file', fileId: file.file_id, fileSize: file.file_size };
  await update.reply(
    question.acceptsFile ? 'Please send a photo.' : acceptsText ? 'Please type your answer as a text message.' : 'Please tap one of the buttons above.',
  );
  return undefined;
}

/** A question answered by typing only. */
export function askText<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  check: (text: string) => Checked<T> | Promise<Checked<T>>,
  options: { secret?: boolean } = {},
): Promise<T> {
  return ask(conversation, ctx, {
    text,
    secret: options.secret,
    check: (answer) => (answer.kind === 'text' ? check(answer.text) : invalid('Please type your answer.')),
  });
}

/** A question answered by buttons only, returning the value of the button tapped. */
export function choose<V extends string>(
  conversation: BotConversation,
  ctx: ConversationContext,
  text: SafeHtml,
  choices: readonly (readonly { label: string; value: V }[])[],
): Promise<V> {
  return ask(conversation, ctx, {
    text,
    choices,
    check: (answer) => (answer.kind === 'button' ? valid(answer.value as V) : invalid('Please tap one of the buttons above.')),
  });
}

/**
 * A first or last name as on an ID, offering to keep `suggestion` (from the Telegram profile or the account)
 * with one tap when it is a valid name.
 */
export function askPersonName(
  conversation: BotConversation,
  ctx: ConversationContext,
  which: 'first' | 'last',
  suggestion: string | undefined,
  asOn = 'your ID',
): Promise<string> {
  const example = which === 'first' ? 'Ama' : 'Mensah';
  const checkedSuggestion = suggestion === undefined ? undefined : checkPersonName(suggestion);
  const keep = checkedSuggestion?.ok ? checkedSuggestion.value : undefined;
  return ask(conversation, ctx, {
    text: keep
      ? html`What is your ${which} name, as on ${asOn}? Tap to keep <b>${keep}</b>, or type it, e.g. ${example}.`
      : html`What is your ${which} name, as on ${asOn}? For example: ${example}`,
    choices: keep ? [[{ label: `Keep “${keep}”`, value: 'keep' }]] : undefined,
    acceptsText: true,
    check: (answer) => (answer.kind === 'button' && keep ? valid(keep) : checkPersonName(answer.kind === 'text' ? answer.text : '')),
  });
}

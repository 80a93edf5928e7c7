import type { Contact, ForceReply, InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { InlineKeyboard, type Keyboard } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { checkPersonName } from '../../services/accounts/contactDetails.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import { answerQuietly, editQuietly } from '../../telegram/errors.ts';
import { addressTo, html, type SafeHtml } from '../../telegram/html.ts';

export type Answer =
  /** Typed text, with its formatting (bold, links …) for questions that keep it; `messageId` is the user's message. */
  | { kind: 'text'; text: string; entities?: readonly MessageEntity[]; messageId: number }
  | { kind: 'button'; value: string; label: string }
  | { kind: 'contact'; contact: Contact }
  /** A photo (its largest size) or a file sent as a document, with its caption: the check decides whether it is usable. */
  | { kind: 'file'; fileId: string; fileSize: number | undefined; caption?: string; messageId: number };

export interface Choice {
  label: string;
  value: string;
}

export interface Question<T> {
  text: SafeHtml;
  /** Inline buttons, one array per row; tapping one answers with its value. */
  choices?: readonly (readonly Choice[])[];
  /** A reply keyboard (e.g. "Share my phone number"); ignored when there are choices. */
  replyMarkup?: Keyboard;
  /** Whether typed text is an answer (by default, when there are no choices). */
  acceptsText?: boolean;
  acceptsContact?: boolean;
  acceptsFile?: boolean;
  /** Delete the user's message as soon as it arrives (PINs). */
  secret?: boolean;
  /** In a group, the hint in the reply field, e.g. "Reason for the user". */
  placeholder?: string;
  /** Turns an answer into a value, or a reason to ask again. */
  check(answer: Answer): Checked<T> | Promise<Checked<T>>;
}

/** Said when the bot drops a question because the user went elsewhere (a command in the group, a main-menu button). */
export const QUESTION_CLOSED = 'I closed the question I had asked you; nothing from it was saved.';

export const IN_CONVERSATION_HINT = html`Please answer the question above first, or send /cancel to stop.`;

/** The callback data of a choice's button: a tap after its conversation is gone arrives with it (features may act on it). */
export function choiceData(value: string): string {
  return `ask:${value}`;
}

function inlineKeyboard(choices: readonly (readonly Choice[])[]): InlineKeyboardMarkup {
  return InlineKeyboard.from(choices.map((row) => row.map((choice) => InlineKeyboard.text(choice.label, choiceData(choice.value)))));
}

function findChoice(choices: readonly (readonly Choice[])[], data: string): Choice | undefined {
  return choices.flat().find((choice) => choiceData(choice.value) === data);
}

function isGroup(ctx: ConversationContext): boolean {
  return ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
}

/**
 * How a question is sent. In a group (the admin chat, where Telegram's privacy mode shows the bot only
 * commands, replies to its messages and mentions) a question that takes typed input names the admin and
 * forces a reply addressed to them alone, so their answer reaches the bot and nobody else's does.
 */
function prompt(ctx: ConversationContext, question: Question<unknown>, typed: boolean): { text: SafeHtml; markup: InlineKeyboardMarkup | Keyboard | ForceReply | undefined } {
  if (question.choices) return { text: question.text, markup: inlineKeyboard(question.choices) };
  const from = ctx.from;
  if (!isGroup(ctx) || !typed || !from) return { text: question.text, markup: question.replyMarkup };
  const markup: ForceReply = { force_reply: true, selective: true, ...(question.placeholder ? { input_field_placeholder: question.placeholder } : {}) };
  return { text: html`${addressTo(from)}${question.text}`, markup };
}

/**
 * Asks one question and waits until it gets a valid answer: an invalid one is answered with the reason and
 * the question stands; buttons of older messages and unexpected messages get a hint instead of an error.
 * When answered by a button, the question is edited to show the choice and lose its buttons. In a group only
 * replies to the question count, and a command or a tap elsewhere closes the question (with a notice) and
 * is handled as usual, so an admin is never trapped by a question they left open.
 */
export async function ask<T>(conversation: BotConversation, ctx: ConversationContext, question: Question<T>): Promise<T> {
  const acceptsText = question.acceptsText ?? (!question.choices && !question.acceptsFile);
  const { text, markup } = prompt(ctx, question, acceptsText || Boolean(question.acceptsFile));
  const send = async (body: SafeHtml) => (await ctx.reply(body.value, markup ? { reply_markup: markup } : {})).message_id;
  const prompts = [await send(text)];

  for (;;) {
    const update = await conversation.wait();
    const answer = await readAnswer(conversation, update, question, prompts, acceptsText, send);
    if (!answer) continue;
    const checked = await question.check(answer);
    if (checked.ok) {
      const tapped = update.callbackQuery?.message;
      if (answer.kind === 'button' && tapped) {
        // Quietly: a tap delivered again (after a crash) finds the question already showing the choice.
        await editQuietly(update.api.editMessageText(tapped.chat.id, tapped.message_id, html`${text}\n\n<i>➜ ${answer.label}</i>`.value));
      }
      return checked.value;
    }
    // In a group the question is asked again with the reason, so the next reply is forced to it too.
    if (isGroup(update) && !question.choices) prompts.push(await send(html`${checked.reason}\n\n${text}`));
    else await update.reply(html`${checked.reason}`.value);
  }
}

/** The answer carried by an update, or undefined after telling the user what is expected instead. */
async function readAnswer(
  conversation: BotConversation,
  update: ConversationContext,
  question: Question<unknown>,
  prompts: number[],
  acceptsText: boolean,
  resend: (body: SafeHtml) => Promise<number>,
): Promise<Answer | undefined> {
  const inGroup = isGroup(update);
  if (update.callbackQuery) {
    const choice = question.choices && prompts.includes(update.callbackQuery.message?.message_id ?? -1)
      ? findChoice(question.choices, update.callbackQuery.data ?? '')
      : undefined;
    if (!choice) {
      if (inGroup) await closeQuestion(conversation, update);
      await update.answerCallbackQuery({ text: 'That button is no longer active. Please answer the latest question.' });
      return undefined;
    }
    await answerQuietly(update.answerCallbackQuery());
    return { kind: 'button', value: choice.value, label: choice.label };
  }
  const message = update.message;
  if (!message) return undefined;
  if (message.text?.startsWith('/')) {
    if (inGroup) await closeQuestion(conversation, update);
    await update.reply(IN_CONVERSATION_HINT.value);
    return undefined;
  }
  // Someone else's business in the group (a reply to another of the bot's messages): handled as if no question were open.
  if (inGroup && !prompts.includes(message.reply_to_message?.message_id ?? -1)) return conversation.skip({ next: true });
  if (message.text !== undefined && question.secret) await update.deleteMessage().catch(() => undefined);
  if (message.contact && question.acceptsContact) return { kind: 'contact', contact: message.contact };
  if (message.text !== undefined && acceptsText) return { kind: 'text', text: message.text, entities: message.entities ?? [], messageId: message.message_id };
  const file = message.photo?.at(-1) ?? message.document;
  if (file && question.acceptsFile) {
    return { kind: 'file', fileId: file.file_id, fileSize: file.file_size, messageId: message.message_id, ...(message.caption ? { caption: message.caption } : {}) };
  }
  if (question.choices && !acceptsText) {
    // The question again with its buttons, in case the ones above are gone (answered before a crash, scrolled away).
    const hint = question.acceptsFile ? 'Please send a photo, or tap one of the buttons below.' : 'Please tap one of the buttons below.';
    prompts.push(await resend(html`${hint}\n\n${question.text}`));
    return undefined;
  }
  await update.reply(question.acceptsFile ? 'Please send a photo.' : 'Please type your answer as a text message.');
  return undefined;
}

/** An admin in the group did something else: the open question ends (nothing from it is kept) and the update is handled as usual. */
async function closeQuestion(conversation: BotConversation, update: ConversationContext): Promise<never> {
  const from = update.from;
  await update.reply(html`${from ? addressTo(from) : ''}⏹ ${QUESTION_CLOSED}`.value);
  return conversation.halt({ next: true });
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

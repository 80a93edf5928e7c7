import type { CallbackAnswer } from '../botApi/index.ts';
import type { Pane } from '../cast.ts';
import type { Session } from '../sandbox.ts';
import { promptsFor } from './view.ts';

/** A request the page should not have made (a stale button, an empty message): answered 400 with the reason. */
export class ActionRefused extends Error {}

/** How long a tapped button waits for the bot's answer before the page stops its spinner. */
const ANSWER_TIMEOUT_MS = 15_000;

function reply(session: Session, pane: Pane, replyTo: unknown): { chatId: number; replyTo?: number } {
  if (replyTo === undefined || replyTo === null) return { chatId: pane.chatId };
  const id = Number(replyTo);
  const target = Number.isSafeInteger(id) ? session.tg.message(pane.chatId, id) : undefined;
  if (!target || target.deleted) throw new ActionRefused('That message is gone: reply to another one.');
  return { chatId: pane.chatId, replyTo: id };
}

function viewer(session: Session, pane: Pane) {
  return session.users[pane.person];
}

/** What a person does in a pane, done through the local Bot API server as their Telegram app would. */
export const actions = {
  async send(session: Session, pane: Pane, body: { text?: unknown; replyTo?: unknown }): Promise<void> {
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (text === '') throw new ActionRefused('Type a message first.');
    if ([...text].length > 4096) throw new ActionRefused('A message has at most 4,096 characters.');
    await viewer(session, pane).send(text, reply(session, pane, body.replyTo));
  },

  async contact(session: Session, pane: Pane): Promise<void> {
    await viewer(session, pane).sendContact({}, { chatId: pane.chatId });
  },

  async keyboard(session: Session, pane: Pane, body: { text?: unknown }): Promise<void> {
    const user = viewer(session, pane);
    const text = typeof body.text === 'string' ? body.text : '';
    if (!user.currentKeyboard(pane.chatId)?.some((button) => (typeof button === 'string' ? button : button.text) === text)) {
      throw new ActionRefused('That keyboard is gone.');
    }
    await user.pressKeyboard(text, { chatId: pane.chatId });
  },

  /** Taps the inline button at [row][column] of a message; resolves with the bot's answer (or null if none came). */
  async tap(session: Session, pane: Pane, body: { messageId?: unknown; row?: unknown; column?: unknown; text?: unknown }): Promise<CallbackAnswer | null> {
    const message = session.tg.message(pane.chatId, Number(body.messageId));
    const markup = message?.reply_markup;
    const button = markup && 'inline_keyboard' in markup ? markup.inline_keyboard[Number(body.row)]?.[Number(body.column)] : undefined;
    // The page shows what it was last sent: a message edited since then has other buttons.
    if (!message || message.deleted || !button || button.text !== body.text) throw new ActionRefused('That button is gone: the message changed.');
    const user = viewer(session, pane);
    const queryId = await user.tap(message, (candidate) => candidate === button, { chatId: pane.chatId });
    return user.answerOf(queryId, { timeout: ANSWER_TIMEOUT_MS }).catch(() => null);
  },

  /** The payer answers the mobile-money prompt on their phone; in the admin pane, Paystack settles a pending transfer. */
  async prompt(session: Session, pane: Pane, body: { reference?: unknown; approve?: unknown }): Promise<void> {
    const prompt = promptsFor(session.paystack, pane).find((candidate) => candidate.reference === body.reference && candidate.canAnswer);
    if (!prompt) throw new ActionRefused('That prompt is gone.');
    const approve = body.approve === true;
    if (session.paystack.transfers.has(prompt.reference)) {
      if (approve) await session.paystack.completeTransfer(prompt.reference);
      else await session.paystack.failTransfer(prompt.reference, 'The recipient wallet is not active');
    } else if (approve) await session.paystack.approve(prompt.reference);
    else session.paystack.decline(prompt.reference, 'Declined by the payer');
  },

  /** A file from disk: pictures go as photos (as Telegram's "send as photo"), anything else as a file. */
  async upload(session: Session, pane: Pane, file: { bytes: Buffer; name: string; type: string; replyTo?: unknown }): Promise<void> {
    if (file.bytes.length === 0) throw new ActionRefused('That file is empty.');
    const user = viewer(session, pane);
    const target = reply(session, pane, file.replyTo);
    if (/^image\/(jpeg|png|webp)$/.test(file.type)) {
      const sent = await user.sendPhoto(file.bytes, target).then(
        () => true,
        () => false,
      );
      if (sent) return;
    }
    await user.sendDocument(file.bytes, { ...target, file_name: file.name || 'file', ...(file.type ? { mime_type: file.type } : {}) });
  },
};

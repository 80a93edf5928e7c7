import { GrammyError } from 'grammy';

/** An edit that changed nothing, or of a message that is gone: nothing left to do. */
export function isUnchangedOrGone(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified|message to edit not found/.test(error.description);
}

/** A callback query answered already or too late to answer: Telegram delivered the tap again (a redelivery after a crash). */
export function isSpentCallbackQuery(error: unknown): boolean {
  return error instanceof GrammyError && /query is too old|query ID is invalid/.test(error.description);
}

/** Answers a tap, unless it was answered before: a tap Telegram delivers again still does its work. */
export async function answerQuietly(answer: Promise<unknown>): Promise<void> {
  try {
    await answer;
  } catch (error) {
    if (!isSpentCallbackQuery(error)) throw error;
  }
}

/** Runs an edit, ignoring "not modified" (a double tap) and "not found" (deleted meanwhile). */
export async function editQuietly(edit: Promise<unknown>): Promise<void> {
  try {
    await edit;
  } catch (error) {
    if (!isUnchangedOrGone(error)) throw error;
  }
}

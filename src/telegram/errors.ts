import { GrammyError } from 'grammy';

/** An edit that changed nothing, or of a message that is gone: nothing left to do. */
export function isUnchangedOrGone(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified|message to edit not found/.test(error.description);
}

/** Runs an edit, ignoring "not modified" (a double tap) and "not found" (deleted meanwhile). */
export async function editQuietly(edit: Promise<unknown>): Promise<void> {
  try {
    await edit;
  } catch (error) {
    if (!isUnchangedOrGone(error)) throw error;
  }
}

import { InlineKeyboard } from 'grammy';

/** Callback data of the button that opens the first tutorial (handled by the tutorials module). */
export const FIRST_TUTORIAL = 'tut:first';

/** A button for newcomers, e.g. under the welcome after registration and while KYC is reviewed. */
export function firstTutorialKeyboard(label = '📘 Read the first tutorial'): InlineKeyboard {
  return new InlineKeyboard().text(label, FIRST_TUTORIAL);
}

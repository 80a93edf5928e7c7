import type { BotCommand } from 'grammy/types';
import type { World } from './world.ts';

/** Every text the bot produced anywhere: texts and captions (all versions), callback answers, commands. */
export function allBotText(world: World): string {
  const parts: string[] = [];
  for (const message of world.allMessages()) {
    if (!message.byBot) continue;
    for (const state of [...message.history, message]) {
      parts.push(...[state.text, state.html, state.caption, state.captionHtml].filter((t): t is string => t !== undefined));
      const markup = state.reply_markup;
      if (markup && 'inline_keyboard' in markup) parts.push(...markup.inline_keyboard.flat().map((b) => b.text));
      if (markup && 'keyboard' in markup) parts.push(...markup.keyboard.flat().map((b) => (typeof b === 'string' ? b : b.text)));
    }
    if (message.document?.file_name) parts.push(message.document.file_name);
  }
  for (const answer of world.callbackAnswers.values()) if (answer.text !== undefined) parts.push(answer.text);
  for (const list of world.commands.values()) {
    for (const command of list as BotCommand[]) parts.push(`/${command.command} ${command.description}`);
  }
  return parts.join('\n');
}

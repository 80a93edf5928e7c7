import type { MenuFlavor, MenuRange } from '@grammyjs/menu';
import type { Filter } from 'grammy';
import type { BotContext } from '../../context.ts';
import { isTutorialCategory, type TutorialCategory } from '../../services/tutorials/categories.ts';

export type MenuContext = Filter<BotContext, 'callback_query:data'> & MenuFlavor;

/** One button of a menu: its label and what it does, or a link. */
export type Button = { text: string; payload: string; run: (ctx: MenuContext) => Promise<void> } | { text: string; url: string };

/** A category list's buttons carry `<category>` or `<category>:<tutorial id>`; a tutorial's carry its id. */
export function listPayload(match: BotContext['match']): { category: TutorialCategory | null; tutorialId: number | null } {
  const [category = '', id] = (typeof match === 'string' ? match : '').split(':');
  return { category: isTutorialCategory(category) ? category : null, tutorialId: id && /^\d+$/.test(id) ? Number(id) : null };
}

export function tutorialPayload(match: BotContext['match']): number | null {
  return typeof match === 'string' && /^\d+$/.test(match) ? Number(match) : null;
}

export function draw(range: MenuRange<BotContext>, rows: readonly (readonly Button[])[]): void {
  for (const row of rows) {
    for (const button of row) {
      if ('url' in button) range.url(button.text, button.url);
      else range.text({ text: button.text, payload: button.payload }, button.run);
    }
    range.row();
  }
}

export function labels(rows: readonly (readonly Button[])[]): string[] {
  return rows.flat().map((button) => button.text);
}

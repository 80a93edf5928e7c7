import type { ListedTutorial } from '../../db/readModels/tutorialListings.ts';
import { CATEGORY_LABELS, type TutorialCategory } from '../../services/tutorials/categories.ts';
import type { CategorySummary } from '../../services/tutorials/tutorials.ts';
import { html, joinHtml, type SafeHtml } from '../../telegram/html.ts';

const BUTTON_TITLE_LENGTH = 48;
// Room for a long list: excerpts are left out rather than going over Telegram's 4096 characters.
const LIST_TEXT_LIMIT = 3800;

export const UNAVAILABLE = 'This tutorial is no longer available. Pick another one from the list.';
export const REGISTER_FIRST = 'Please register first: send /start. It takes about two minutes.';

export function progressLabel(summary: CategorySummary): string {
  return summary.total === 0 ? `${CATEGORY_LABELS[summary.category]} · none yet` : `${CATEGORY_LABELS[summary.category]} · ${summary.done}/${summary.total} done`;
}

export function tutorialButtonLabel(tutorial: ListedTutorial): string {
  const title = tutorial.title.length > BUTTON_TITLE_LENGTH ? `${tutorial.title.slice(0, BUTTON_TITLE_LENGTH - 1).trimEnd()}…` : tutorial.title;
  return tutorial.completed ? `✓ ${title}` : title;
}

export function rootText(summaries: readonly CategorySummary[]): SafeHtml {
  const total = summaries.reduce((sum, summary) => sum + summary.total, 0);
  const done = summaries.reduce((sum, summary) => sum + summary.done, 0);
  const progress = done === 0 ? html`Start with 🚀 Getting started.` : html`You have finished <b>${done} of ${total}</b>.`;
  return html`📚 <b>Tutorials</b>\n\nShort guides to trade safely in this bot, step by step. ${progress}\n\nPick a category:`;
}

export function categoryText(category: TutorialCategory, tutorials: readonly ListedTutorial[]): SafeHtml {
  const done = tutorials.filter((tutorial) => tutorial.completed).length;
  const title = html`<b>${CATEGORY_LABELS[category]}</b> · ${done}/${tutorials.length} done`;
  if (tutorials.length === 0) return html`${title}\n\nNo tutorials here yet. Go back and pick another category.`;
  const lines = (withExcerpts: boolean) =>
    joinHtml(
      tutorials.map((tutorial, index) => {
        const line = html`${index + 1}. ${tutorial.completed ? '✓ ' : ''}${tutorial.title}`;
        return withExcerpts && tutorial.excerpt ? html`${line}\n<i>${tutorial.excerpt}</i>` : line;
      }),
      withExcerpts ? '\n\n' : '\n',
    );
  const full = html`${title}\n\n${lines(true)}\n\nTap a tutorial to read it.`;
  return full.value.length <= LIST_TEXT_LIMIT ? full : html`${title}\n\n${lines(false)}\n\nTap a tutorial to read it.`;
}

export function congratulationText(category: TutorialCategory, next: CategorySummary | undefined): SafeHtml {
  const onward = next ? html`Next up: <b>${CATEGORY_LABELS[next.category]}</b> (${next.done}/${next.total} done). Send /tutorials to continue.` : html`You have finished every tutorial. Well done!`;
  return html`🎉 <b>Congratulations!</b> You finished every tutorial in ${CATEGORY_LABELS[category]}.\n\n${onward}`;
}

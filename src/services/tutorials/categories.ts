import { TUTORIAL_CATEGORIES, type TutorialCategory } from '../../db/tutorials.ts';

export { TUTORIAL_CATEGORIES, type TutorialCategory };

/** How each category is named wherever it is shown, in the order it is listed. */
export const CATEGORY_LABELS: Readonly<Record<TutorialCategory, string>> = {
  getting_started: '🚀 Getting started',
  trading: '📈 Trading',
  wallet: '👛 Wallet',
  security: '🛡 Security',
  faq: '❓ FAQ',
};

export function isTutorialCategory(value: string): value is TutorialCategory {
  return (TUTORIAL_CATEGORIES as readonly string[]).includes(value);
}

import type { TutorialCategory } from '../categories.ts';

/** A tutorial the bot ships with, added once by slug (content in the HTML subset of ../content.ts). */
export interface StarterTutorial {
  slug: string;
  title: string;
  category: TutorialCategory;
  order: number;
  excerpt: string;
  content: string;
}

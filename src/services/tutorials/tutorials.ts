import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { categoryProgress, publishedTutorialsWithProgress, type ListedTutorial } from '../../db/readModels/tutorialListings.ts';
import { markCategoryCongratulated } from '../../db/tutorialCategoryCompletions.ts';
import { setTutorialCompletion } from '../../db/tutorialProgress.ts';
import { findTutorial, type TutorialCategory } from '../../db/tutorials.ts';
import { recordTutorialView } from '../../db/tutorialViews.ts';
import type { Clock } from '../platform/clock.ts';
import { TUTORIAL_CATEGORIES } from './categories.ts';

/** A repeat of the same tap within this time (a double tap, a replayed update) shows nothing again. */
export const REPEAT_TAP_MS = 60_000;

export interface CategorySummary {
  category: TutorialCategory;
  total: number;
  done: number;
}

/** A published tutorial as one user sees it: where it stands in its category, and whether they finished it. */
export interface TutorialView {
  id: number;
  title: string;
  content: string;
  category: TutorialCategory;
  videoUrl: string | null;
  thumbnail: string | null;
  completed: boolean;
  /** 1-based place among the category's published tutorials, and how many there are. */
  position: number;
  count: number;
  previousId: number | null;
  nextId: number | null;
}

/** Unavailable: unpublished or deleted (with its category while it still exists). */
export type Unavailable = { status: 'unavailable'; category: TutorialCategory | null };

export type OpenResult =
  | Unavailable
  /** Shown; `counted` when this open counts a view (the first from that message). */
  | { status: 'show'; view: TutorialView; counted: boolean }
  /** The same tap again a moment later: it is already shown just below. */
  | { status: 'repeat' };

export type CompletionResult = Unavailable | { status: 'ok'; view: TutorialView; changed: boolean; finishedCategory: TutorialCategory | null };

export interface TutorialService {
  /** Every category, in order, with its published tutorials and how many the user finished. */
  categories(userId: number): Promise<readonly CategorySummary[]>;
  list(userId: number, category: TutorialCategory): Promise<readonly ListedTutorial[]>;
  /** The tutorial for the user, or unavailable; counts nothing. */
  view(userId: number, tutorialId: number): Promise<TutorialView | Unavailable>;
  /** Opening from a message's button: the first open from that message counts a view. */
  open(userId: number, tutorialId: number, sourceMessageId: number, listRead?: ListRead): Promise<OpenResult>;
  setCompleted(userId: number, tutorialId: number, completed: boolean): Promise<CompletionResult>;
  /** The first published tutorial (Getting started first), for newcomers. */
  first(): Promise<number | null>;
}

/** A category's list as this update read it for the user (to draw the buttons), so it is not read again. */
export interface ListRead {
  category: TutorialCategory;
  tutorials: readonly ListedTutorial[];
}

async function loadView(db: CommonQueryMethods, userId: number, tutorialId: number, listRead?: ListRead): Promise<TutorialView | Unavailable> {
  const tutorial = await findTutorial(db, tutorialId);
  if (!tutorial?.is_published) return { status: 'unavailable', category: tutorial?.category ?? null };
  const siblings = listRead?.category === tutorial.category ? listRead.tutorials : await publishedTutorialsWithProgress(db, tutorial.category, userId);
  const index = siblings.findIndex((sibling) => sibling.id === tutorial.id);
  return {
    id: tutorial.id,
    title: tutorial.title,
    content: tutorial.content,
    category: tutorial.category,
    videoUrl: tutorial.video_url,
    thumbnail: tutorial.thumbnail,
    completed: siblings[index]?.completed ?? false,
    position: index + 1,
    count: siblings.length,
    previousId: siblings[index - 1]?.id ?? null,
    nextId: siblings[index + 1]?.id ?? null,
  };
}

export function isView(result: TutorialView | Unavailable): result is TutorialView {
  return !('status' in result);
}

export function createTutorialService(deps: { pool: DatabasePool; clock: Clock }): TutorialService {
  const { pool, clock } = deps;
  return {
    async categories(userId) {
      const rows = await categoryProgress(pool, userId);
      return TUTORIAL_CATEGORIES.map((category) => {
        const row = rows.find((candidate) => candidate.category === category);
        return { category, total: row?.total ?? 0, done: row?.done ?? 0 };
      });
    },
    list: (userId, category) => publishedTutorialsWithProgress(pool, category, userId),
    view: (userId, tutorialId) => loadView(pool, userId, tutorialId),
    // No transaction: the view is read, then the open recorded in one statement (view, count and progress at once).
    async open(userId, tutorialId, sourceMessageId, listRead): Promise<OpenResult> {
      const view = await loadView(pool, userId, tutorialId, listRead);
      if (!isView(view)) return view;
      const now = clock();
      const record = await recordTutorialView(pool, { userId, tutorialId, sourceMessageId, at: now });
      if (record.status === 'seen') {
        return now.getTime() - record.openedAt.getTime() < REPEAT_TAP_MS ? { status: 'repeat' } : { status: 'show', view, counted: false };
      }
      return { status: 'show', view, counted: true };
    },
    setCompleted(userId, tutorialId, completed) {
      return pool.transaction(async (tx): Promise<CompletionResult> => {
        const before = await loadView(tx, userId, tutorialId);
        if (!isView(before)) return before;
        const now = clock();
        const changed = await setTutorialCompletion(tx, userId, tutorialId, completed, now);
        const view = { ...before, completed };
        if (!changed || !completed) return { status: 'ok', view, changed, finishedCategory: null };
        const siblings = await publishedTutorialsWithProgress(tx, view.category, userId);
        const finished = siblings.every((sibling) => sibling.completed) && (await markCategoryCongratulated(tx, userId, view.category, now));
        return { status: 'ok', view, changed, finishedCategory: finished ? view.category : null };
      });
    },
    async first() {
      for (const category of TUTORIAL_CATEGORIES) {
        const [first] = await publishedTutorialsWithProgress(pool, category, 0);
        if (first) return first.id;
      }
      return null;
    },
  };
}

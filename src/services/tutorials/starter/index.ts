import type { DatabasePool } from 'slonik';
import { claimStarterSlug } from '../../../db/tutorialStarterSlugs.ts';
import { insertTutorial } from '../../../db/tutorials.ts';
import type { Clock } from '../../platform/clock.ts';
import { checkContent } from '../content.ts';
import { FAQ } from './faq.ts';
import { GETTING_STARTED } from './gettingStarted.ts';
import { SECURITY } from './security.ts';
import { TRADING } from './trading.ts';
import type { StarterTutorial } from './types.ts';
import { WALLET } from './wallet.ts';

export type { StarterTutorial };

export const STARTER_TUTORIALS: readonly StarterTutorial[] = [...GETTING_STARTED, ...TRADING, ...WALLET, ...SECURITY, ...FAQ];

/**
 * Adds each starter tutorial, published, the first time its slug is seen: at every start, so a new one
 * shipped later is added too, but never again once added, so an admin's edit or deletion stands. Returns the
 * slugs added now.
 */
export async function addStarterTutorials(pool: DatabasePool, clock: Clock, tutorials: readonly StarterTutorial[] = STARTER_TUTORIALS): Promise<string[]> {
  const added: string[] = [];
  for (const tutorial of tutorials) {
    const content = checkContent(tutorial.content);
    if (!content.ok) throw new Error(`starter tutorial ${tutorial.slug}: ${content.reason}`);
    const inserted = await pool.transaction(async (tx) => {
      const at = clock();
      if (!(await claimStarterSlug(tx, tutorial.slug, at))) return false;
      const row = await insertTutorial(
        tx,
        { ...tutorial, content: content.value, videoUrl: null, thumbnail: null, isPublished: true, authorId: null, at },
        // An admin may have written one with that slug before: theirs stays.
        { onlyIfSlugFree: true },
      );
      return row !== null;
    });
    if (inserted) added.push(tutorial.slug);
  }
  return added;
}

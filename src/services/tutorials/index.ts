import type { SharedServices } from '../index.ts';
import { createAuthoringService, type AuthoringService } from './authoring.ts';
import { addStarterTutorials } from './starter/index.ts';
import { createTutorialService, type TutorialService } from './tutorials.ts';

export interface TutorialsServices {
  /** What users read, with their progress. */
  reader: TutorialService;
  /** What admins write, audited. */
  authoring: AuthoringService;
  /** The starter tutorials, each added once (run at every start). */
  addStarterContent(): Promise<string[]>;
}

export function createTutorialsServices(shared: SharedServices): TutorialsServices {
  const { pool, clock } = shared;
  return {
    reader: createTutorialService({ pool, clock }),
    authoring: createAuthoringService({ pool, admins: shared.admins, media: shared.media, clock }),
    addStarterContent: () => addStarterTutorials(pool, clock),
  };
}

import { z } from 'zod';

// Row shapes many queries share, built once: a schema built per call costs more than the query's parsing.
export const countRow = z.object({ count: z.number() });
export const idRow = z.object({ id: z.number() });

/** tutorials.slug is VARCHAR(50). */
export const MAX_SLUG_LENGTH = 50;

/** A URL-friendly form of a title: lower-case ASCII letters, digits and dashes, at most 50 characters. */
export function slugBase(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cut(slug || 'tutorial', MAX_SLUG_LENGTH);
}

/** Shortens a slug to `length`, at a dash when one is near, never ending in a dash. */
function cut(slug: string, length: number): string {
  if (slug.length <= length) return slug;
  const short = slug.slice(0, length);
  // Cut after a whole word: the character after the cut is a dash, or the last dash in the part kept.
  const dash = slug[length] === '-' ? length : short.lastIndexOf('-');
  return (dash >= length / 2 ? short.slice(0, dash) : short).replace(/-+$/, '');
}

/** The base itself when free, otherwise `base-2`, `base-3` …, the base shortened so each still fits. */
export async function uniqueSlug(base: string, isTaken: (slug: string) => Promise<boolean>): Promise<string> {
  if (!(await isTaken(base))) return base;
  for (let number = 2; ; number += 1) {
    const suffix = `-${number}`;
    const candidate = `${base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!(await isTaken(candidate))) return candidate;
  }
}

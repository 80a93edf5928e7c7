/** How many pages `count` items fill (at least one, empty), and `page` brought into range: an old or forged page number shows the nearest page. */
export function clampPage(page: number, count: number, perPage: number): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(count / perPage));
  return { page: Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1), pages };
}

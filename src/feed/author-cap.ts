/**
 * @module Author cap: at most `cap` posts of one author per page. Cuts a ranked list into pages greedily; a post
 * over its author's cap waits for the next page, keeping its rank among the waiting posts. Pages depend only on
 * (list, page size, cap), so any page can be recomputed from the same snapshot.
 *
 * Catalogue items (the reserved `__catalog__` author the importers give to movies, artists and bare item ids)
 * have no real author, so the cap does not apply to them.
 */
import { CATALOG_AUTHOR } from '../data/importers/types.js';

/** Cuts `ranked` into pages of at most `pageSize` with at most `cap` posts per author on each. */
export function pagesWithAuthorCap<T>(ranked: readonly T[], pageSize: number, cap: number, authorOf: (item: T) => string): T[][] {
  const pages: T[][] = [];
  let queue = ranked.slice();
  while (queue.length > 0) {
    const page: T[] = [];
    const perAuthor = new Map<string, number>();
    const waiting: T[] = [];
    for (const item of queue) {
      const a = authorOf(item);
      const n = perAuthor.get(a) ?? 0;
      if (page.length < pageSize && (n < cap || a === CATALOG_AUTHOR)) {
        page.push(item);
        perAuthor.set(a, n + 1);
      } else waiting.push(item);
    }
    pages.push(page);
    queue = waiting;
  }
  return pages;
}

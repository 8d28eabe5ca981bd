/**
 * @module Author cap: at most `cap` posts of one author per page. Cuts a ranked list into pages greedily; a post
 * over its author's cap waits for the next page, keeping its rank among the waiting posts. Pages depend only on
 * (list, page size, cap), so any page can be recomputed from the same snapshot.
 *
 * Catalogue items (the reserved `__catalog__` author the importers give to movies, artists and bare item ids)
 * have no real author, so the cap does not apply to them.
 */
import { CATALOG_AUTHOR } from '../data/importers/types.js';

/**
 * Cuts `ranked` into pages of at most `pageSize` with at most `cap` posts per author on each. The posts waiting
 * for a later page are the few skipped ones (over their author's cap) followed by the unread rest of `ranked`,
 * so a page reads only as far as it needs to fill up: linear in the list rather than pages × list.
 */
export function pagesWithAuthorCap<T>(ranked: readonly T[], pageSize: number, cap: number, authorOf: (item: T) => string): T[][] {
  return pagesWithCap(ranked, pageSize, cap, authorOf, (author) => author === CATALOG_AUTHOR);
}

/**
 * The same paging with any key (author, topic): at most `cap` posts per key on a page; posts whose key is
 * `exempt` are never held back.
 */
export function pagesWithCap<T>(
  ranked: readonly T[],
  pageSize: number,
  cap: number,
  keyOf: (item: T) => string,
  exempt: (key: string) => boolean,
): T[][] {
  const pages: T[][] = [];
  let head: T[] = [];
  let next = 0;
  while (head.length > 0 || next < ranked.length) {
    const page: T[] = [];
    const perKey = new Map<string, number>();
    const skipped: T[] = [];
    const take = (item: T): void => {
      const a = keyOf(item);
      const n = perKey.get(a) ?? 0;
      if (n < cap || exempt(a)) {
        page.push(item);
        perKey.set(a, n + 1);
      } else skipped.push(item);
    };
    let h = 0;
    while (h < head.length && page.length < pageSize) take(head[h++]!);
    while (next < ranked.length && page.length < pageSize) take(ranked[next++]!);
    pages.push(page);
    // Waiting, in list order: skipped posts, then the rest of the head (when the page filled within it).
    head = h < head.length ? [...skipped, ...head.slice(h)] : skipped;
  }
  return pages;
}

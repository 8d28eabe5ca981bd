/**
 * @module Exploration slots: one position in `every` of the ranked list (positions every, 2·every, … counted
 * across pages) is filled by the exploration policy instead of by rank: `pick` is offered every post not placed
 * yet that fits the page's author cap, and the one it returns takes the slot (the others keep their order).
 * With `every` 0, or when `pick` returns nothing, the list is paged by rank under the author cap alone.
 */
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { pagesWithAuthorCap } from './author-cap.js';

export interface ExplorationPaging<T> {
  pageSize: number;
  cap: number;
  /** One slot in `every` positions; 0: none. */
  every: number;
  authorOf: (item: T) => string;
  /** The post for an exploration slot among `candidates` (rank order), or undefined to fill it by rank. */
  pick: Picker<T>;
}

/**
 * A slot filler. With `quota`, it looks at no more than the first `quota.perKey` candidates of each of
 * `quota.keys` keys (`keyOf`; candidates without a key and the rest it ignores), so only those are offered: the
 * same choice without a pass over the whole waiting list for each slot.
 */
export interface Picker<T> {
  (candidates: readonly T[]): T | undefined;
  quota?: { keys: number; perKey: number; keyOf: (item: T) => number | undefined };
}

/**
 * The waiting posts offered for the slots of one page, in rank order: not placed yet and fitting the cap; with
 * the picker's quota, only the first `perKey` such posts of each key (what the picker would look at), found from
 * a pointer per key instead of a pass over the whole waiting list per slot. Within a page a post placed or over
 * its author's cap stays so (the counts only grow), so the pointers only move forward.
 */
class PageOffers<T> {
  private readonly byKey: number[][] | undefined;
  private readonly next: Int32Array;

  constructor(private readonly remaining: readonly T[], private readonly quota: Picker<T>['quota']) {
    this.next = new Int32Array(quota?.keys ?? 0);
    if (!quota) return;
    this.byKey = Array.from({ length: quota.keys }, () => []);
    remaining.forEach((x, i) => {
      const k = quota.keyOf(x);
      if (k !== undefined) this.byKey![k]!.push(i);
    });
  }

  offer(taken: ReadonlySet<T>, fits: (item: T) => boolean): T[] {
    const { remaining, quota, byKey } = this;
    if (!quota || !byKey) return remaining.filter((x) => !taken.has(x) && fits(x));
    const positions: number[] = [];
    byKey.forEach((list, k) => {
      let p = this.next[k]!;
      while (p < list.length && (taken.has(remaining[list[p]!]!) || !fits(remaining[list[p]!]!))) p++;
      this.next[k] = p;
      for (let q = p, n = 0; q < list.length && n < quota.perKey; q++) {
        const x = remaining[list[q]!]!;
        if (taken.has(x) || !fits(x)) continue;
        positions.push(list[q]!);
        n++;
      }
    });
    positions.sort((a, b) => a - b);
    return positions.map((i) => remaining[i]!);
  }
}

/** Pages of `ranked` under the author cap, with the exploration slots filled by `pick`. */
export function pagesWithExploration<T>(ranked: readonly T[], o: ExplorationPaging<T>): T[][] {
  if (!(o.every > 0)) return pagesWithAuthorCap(ranked, o.pageSize, o.cap, o.authorOf);
  const pages: T[][] = [];
  let remaining = ranked.slice();
  let position = 0;
  while (remaining.length > 0) {
    const page: T[] = [];
    const taken = new Set<T>();
    let offers: PageOffers<T> | undefined;
    const perAuthor = new Map<string, number>();
    const fits = (item: T): boolean => {
      const a = o.authorOf(item);
      return a === CATALOG_AUTHOR || (perAuthor.get(a) ?? 0) < o.cap;
    };
    const place = (item: T): void => {
      const a = o.authorOf(item);
      page.push(item);
      taken.add(item);
      perAuthor.set(a, (perAuthor.get(a) ?? 0) + 1);
      position++;
    };
    let next = 0;
    while (page.length < o.pageSize) {
      if ((position + 1) % o.every === 0) {
        const candidates = (offers ??= new PageOffers(remaining, o.pick.quota)).offer(taken, fits);
        const chosen = candidates.length > 0 ? o.pick(candidates) : undefined;
        if (chosen !== undefined) {
          place(chosen);
          continue;
        }
      }
      // By rank: posts over their author's cap wait for the next page, keeping their rank.
      while (next < remaining.length && (taken.has(remaining[next]!) || !fits(remaining[next]!))) next++;
      if (next >= remaining.length) break;
      place(remaining[next++]!);
    }
    pages.push(page);
    remaining = remaining.filter((x) => !taken.has(x));
  }
  return pages;
}

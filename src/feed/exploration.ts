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
 * The waiting posts offered for a slot, as positions in the ranked list, in rank order: not placed and fitting
 * the page's cap; with the picker's quota, only the first `perKey` such posts of each key (all the picker looks
 * at), found from a pointer per key instead of a pass over the whole list per slot. A placed post stays placed,
 * and within a page a post over its author's cap stays so (the counts only grow): the pointers only move forward.
 */
class Offers<T> {
  private readonly byKey: number[][] = [];
  /** Per key: the first position of its list not placed yet (for good), and this page's pointer. */
  private readonly low: Int32Array;
  private readonly onPage: Int32Array;

  constructor(private readonly ranked: readonly T[], private readonly placed: Uint8Array, private readonly quota: Picker<T>['quota']) {
    this.low = new Int32Array(quota?.keys ?? 0);
    this.onPage = new Int32Array(quota?.keys ?? 0);
    if (!quota) return;
    this.byKey = Array.from({ length: quota.keys }, () => []);
    ranked.forEach((x, i) => {
      const k = quota.keyOf(x);
      if (k !== undefined) this.byKey[k]!.push(i);
    });
  }

  newPage(): void {
    this.byKey.forEach((list, k) => {
      let p = this.low[k]!;
      while (p < list.length && this.placed[list[p]!]) p++;
      this.low[k] = this.onPage[k] = p;
    });
  }

  offer(fits: (item: T) => boolean, unplacedFrom: (i: number) => number): number[] {
    const { ranked, placed, quota } = this;
    const usable = (i: number): boolean => !placed[i] && fits(ranked[i]!);
    if (!quota) {
      const all: number[] = [];
      for (let i = unplacedFrom(0); i < ranked.length; i = unplacedFrom(i + 1)) if (fits(ranked[i]!)) all.push(i);
      return all;
    }
    const positions: number[] = [];
    this.byKey.forEach((list, k) => {
      let p = this.onPage[k]!;
      while (p < list.length && !usable(list[p]!)) p++;
      this.onPage[k] = p;
      for (let q = p, n = 0; q < list.length && n < quota.perKey; q++) {
        if (!usable(list[q]!)) continue;
        positions.push(list[q]!);
        n++;
      }
    });
    return positions.sort((a, b) => a - b);
  }
}

/**
 * Pages of `ranked` under the author cap, with the exploration slots filled by `pick`. Positions of the list
 * are marked placed, and `unplacedFrom(i)` (the first position ≥ i not placed, by pointer jumping) skips placed
 * runs, so paging costs about one pass over the list, not one per page.
 */
export function pagesWithExploration<T>(ranked: readonly T[], o: ExplorationPaging<T>): T[][] {
  if (!(o.every > 0)) return pagesWithAuthorCap(ranked, o.pageSize, o.cap, o.authorOf);
  const n = ranked.length;
  const placed = new Uint8Array(n);
  const jump = Int32Array.from({ length: n + 1 }, (_, i) => i);
  const unplacedFrom = (i: number): number => {
    while (jump[i] !== i) {
      jump[i] = jump[jump[i]!]!;
      i = jump[i]!;
    }
    return i;
  };
  const offers = new Offers(ranked, placed, o.pick.quota);
  const pages: T[][] = [];
  let position = 0, left = n;
  while (left > 0) {
    const page: T[] = [];
    const perAuthor = new Map<string, number>();
    const fits = (item: T): boolean => {
      const a = o.authorOf(item);
      return a === CATALOG_AUTHOR || (perAuthor.get(a) ?? 0) < o.cap;
    };
    const place = (i: number): void => {
      const a = o.authorOf(ranked[i]!);
      page.push(ranked[i]!);
      placed[i] = 1;
      jump[i] = i + 1;
      left--;
      perAuthor.set(a, (perAuthor.get(a) ?? 0) + 1);
      position++;
    };
    offers.newPage();
    let next = unplacedFrom(0);
    while (page.length < o.pageSize) {
      if ((position + 1) % o.every === 0) {
        const offered = offers.offer(fits, unplacedFrom);
        const candidates: T[] = offered.map((i) => ranked[i] as T);
        const chosen = candidates.length > 0 ? o.pick(candidates) : undefined;
        if (chosen !== undefined) {
          place(offered[candidates.indexOf(chosen)]!);
          continue;
        }
      }
      // By rank: posts over their author's cap wait for the next page, keeping their rank.
      next = unplacedFrom(next);
      while (next < n && !fits(ranked[next]!)) next = unplacedFrom(next + 1);
      if (next >= n) break;
      place(next);
    }
    pages.push(page);
  }
  return pages;
}

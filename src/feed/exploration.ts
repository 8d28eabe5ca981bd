/**
 * @module Exploration slots: a share of the first page kept for new posts (candidates marked `explore`), which
 * the collaborative sources cannot rank yet and would otherwise rarely reach a page. Fixed for now
 * (`feed.explorationShare`); `explorationSlots` is the one place that decides how many.
 */
import type { ResonateConfig } from '../core/config.js';
import { pagesWithAuthorCap } from './author-cap.js';

/** Slots of a first page of `pageSize` posts reserved for exploration. */
export function explorationSlots(pageSize: number, config: Pick<ResonateConfig['feed'], 'explorationShare'>): number {
  return Math.min(pageSize, Math.round(pageSize * (config.explorationShare || 0)));
}

/**
 * Pages of `ranked` under the author cap, with at least `slots` exploration posts on the first page when the
 * list has them: the best-ranked exploration posts from later pages replace the lowest-ranked other posts of
 * the first page (placed after the page's own posts); the replaced posts lead the following pages.
 */
export function pagesWithExploration<T>(
  ranked: readonly T[],
  o: { pageSize: number; cap: number; slots: number; authorOf: (item: T) => string; explore: (item: T) => boolean },
): T[][] {
  const pages = pagesWithAuthorCap(ranked, o.pageSize, o.cap, o.authorOf);
  const first = pages[0];
  if (!first || pages.length < 2) return pages;
  let missing = o.slots - first.filter(o.explore).length;
  if (missing <= 0) return pages;
  const onFirst = new Set(first);
  const keep = first.slice();
  const promoted: T[] = [];
  for (const item of ranked) {
    if (missing === 0) break;
    if (onFirst.has(item) || !o.explore(item)) continue;
    let drop = keep.length - 1;
    while (drop >= 0 && o.explore(keep[drop]!)) drop--;
    if (drop < 0) break;
    const author = o.authorOf(item);
    const sameAuthor = [...keep, ...promoted].filter((x, j) => j !== drop && o.authorOf(x) === author).length;
    if (sameAuthor >= o.cap) continue;
    keep.splice(drop, 1);
    promoted.push(item);
    missing--;
  }
  if (promoted.length === 0) return pages;
  const page = [...keep, ...promoted];
  const taken = new Set(page);
  return [page, ...pagesWithAuthorCap(ranked.filter((x) => !taken.has(x)), o.pageSize, o.cap, o.authorOf)];
}

import { describe, expect, it } from 'vitest';
import type { PolicySpecInput } from '../core/config.js';
import { createRng } from '../core/rng.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { pagesWithAuthorCap } from './author-cap.js';
import { pagesWithExploration, type ExplorationPaging, type Picker } from './exploration.js';
import { Explorer, type Explorable } from './explorer.js';

type Item = Explorable & { id: string; author: string };

const ARMS = ['in-network', 'rp3beta', 'popular/trending', 'fresh'];
const SOURCES = [...ARMS, 'not-an-arm'];
const POLICIES: PolicySpecInput[] = [{ id: 'thompson' }, { id: 'epsilon-greedy' }, { id: 'linucb' }];

/** A random ranked list: few authors (so the author cap bites), catalogue items, sources skewed to the first arms. */
function randomList(rng: ReturnType<typeof createRng>, n: number): Item[] {
  return Array.from({ length: n }, (_, k) => {
    const source = SOURCES[Math.min(SOURCES.length - 1, Math.floor(rng.next() ** 2 * SOURCES.length))]!;
    const author = rng.next() < 0.05 ? CATALOG_AUTHOR : `a${rng.int(Math.max(2, Math.floor(n / 6)))}`;
    return { id: `p${k}`, author, source, tags: [`t${rng.int(5)}`], ageMs: rng.int(100) * 3_600_000, sourceScores: { [source]: rng.next() } };
  });
}

/** The paging before the per-arm offers (commit 8b93528), kept as the reference: every slot offered every waiting post that fits. */
function referencePages<T>(ranked: readonly T[], o: ExplorationPaging<T>): T[][] {
  if (!(o.every > 0)) return pagesWithAuthorCap(ranked, o.pageSize, o.cap, o.authorOf);
  const pages: T[][] = [];
  let remaining = ranked.slice();
  let position = 0;
  while (remaining.length > 0) {
    const page: T[] = [];
    const taken = new Set<T>();
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
        const candidates = remaining.filter((x) => !taken.has(x) && fits(x));
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

/** Pages and exploration decisions of one list under a fresh explorer of `policy` (same seed each time). */
function paged(list: Item[], policy: PolicySpecInput, o: { pageSize: number; cap: number; every: number }, withQuota: boolean, paging = pagesWithExploration): unknown {
  const items = list.map((it) => ({ ...it }));
  const explorer = new Explorer({ every: o.every, policy, rewardWindowSeconds: 60, arms: ARMS, seed: 7 });
  const user = { activity: 0.3, tags: new Map([['t1', 2]]), norm: 2 };
  const pick: Picker<Item> = explorer.picker<Item>(() => user, 24);
  // The reference: the same picker offered every waiting post that fits (the paging before the quota).
  const reference: Picker<Item> = (c) => pick(c);
  const pages = paging(items, { ...o, authorOf: (i) => i.author, pick: withQuota ? pick : reference });
  return pages.map((p) => p.map((i) => [i.id, i.exploration?.arm, i.exploration?.propensity]));
}

describe('exploration slots offered under the picker quota', () => {
  it('give the same pages and decisions as the reference paging that offers every waiting post (random lists, multi-armed and contextual policies)', () => {
    const rng = createRng(5);
    let explored = 0;
    for (let trial = 0; trial < 120; trial++) {
      const list = randomList(rng, 1 + rng.int(300));
      const o = { pageSize: 1 + rng.int(25), cap: 1 + rng.int(3), every: 1 + rng.int(12) };
      for (const policy of POLICIES) {
        const fast = paged(list, policy, o, true);
        expect(fast).toEqual(paged(list, policy, o, false, referencePages));
        expect(paged(list, policy, o, false)).toEqual(paged(list, policy, o, false, referencePages));
        explored += (fast as [string, string | undefined][][]).flat().filter((x) => x[1] !== undefined).length;
      }
    }
    // The slots were filled by the policy (the comparison is not vacuous).
    expect(explored).toBeGreaterThan(1000);
  });
});

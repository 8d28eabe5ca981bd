import { describe, expect, it } from 'vitest';
import type { PolicySpecInput } from '../core/config.js';
import { createRng } from '../core/rng.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { pagesWithExploration, type Picker } from './exploration.js';
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

/** Pages and exploration decisions of one list under a fresh explorer of `policy` (same seed each time). */
function paged(list: Item[], policy: PolicySpecInput, o: { pageSize: number; cap: number; every: number }, withQuota: boolean): unknown {
  const items = list.map((it) => ({ ...it }));
  const explorer = new Explorer({ every: o.every, policy, rewardWindowSeconds: 60, arms: ARMS, seed: 7 });
  const user = { activity: 0.3, tags: new Map([['t1', 2]]), norm: 2 };
  const pick: Picker<Item> = explorer.picker<Item>(() => user, 24);
  // The reference: the same picker offered every waiting post that fits (the paging before the quota).
  const reference: Picker<Item> = (c) => pick(c);
  const pages = pagesWithExploration(items, { ...o, authorOf: (i) => i.author, pick: withQuota ? pick : reference });
  return pages.map((p) => p.map((i) => [i.id, i.exploration?.arm, i.exploration?.propensity]));
}

describe('exploration slots offered under the picker quota', () => {
  it('give the same pages and decisions as offering every waiting post (random lists, multi-armed and contextual policies)', () => {
    const rng = createRng(5);
    let explored = 0;
    for (let trial = 0; trial < 120; trial++) {
      const list = randomList(rng, 1 + rng.int(300));
      const o = { pageSize: 1 + rng.int(25), cap: 1 + rng.int(3), every: 1 + rng.int(12) };
      for (const policy of POLICIES) {
        const fast = paged(list, policy, o, true);
        expect(fast).toEqual(paged(list, policy, o, false));
        explored += (fast as [string, string | undefined][][]).flat().filter((x) => x[1] !== undefined).length;
      }
    }
    // The slots were filled by the policy (the comparison is not vacuous).
    expect(explored).toBeGreaterThan(1000);
  });
});

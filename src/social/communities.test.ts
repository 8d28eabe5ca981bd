import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../math/csr.js';
import { detectCommunities, interestedIn, postVectors } from './communities.js';

/** Two 5-cliques (0–4 and 5–9) joined by one edge 4 → 5; user 10 follows 0, 1 and 2. */
function twoCliques() {
  const from: number[] = [], to: number[] = [];
  for (const base of [0, 5]) for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) if (a !== b) { from.push(base + a); to.push(base + b); }
  from.push(4, 10, 10, 10);
  to.push(5, 0, 1, 2);
  return { n: 11, from, to };
}

describe('communities', () => {
  it('Louvain finds the planted cliques; an account nobody follows back is alone and dropped under minSize', () => {
    const { n, from, to } = twoCliques();
    const follows = csrFromCoo(n, n, from, to);
    const { count, knownFor } = detectCommunities(follows, { resolution: 1, minSize: 3, seed: 1 });
    expect(count).toBe(2);
    const a = knownFor[0]!, b = knownFor[5]!;
    expect(a).not.toBe(b);
    for (let u = 0; u < 5; u++) expect(knownFor[u]).toBe(a);
    for (let u = 5; u < 10; u++) expect(knownFor[u]).toBe(b);
  });

  it('InterestedIn sums follows and engagement by community and scales to 1; post vectors add engagers\' interests to the author\'s community', () => {
    // Communities: users 0, 1 → 0; user 2 → 1; user 3 → none. User 3 follows 0 and 1 and liked post 0 (by user 2) with weight 2.
    const knownFor = Int32Array.from([0, 0, 1, -1]);
    const follows = csrFromCoo(4, 4, [3, 3], [0, 1]);
    const interactions = csrFromCoo(4, 2, [3], [0], [2]);
    const input = { follows, interactions, itemAuthors: Int32Array.from([2, 0]) };
    const ui = interestedIn(input, knownFor, 2, 5);
    // User 3: community 0 from two follows (2), community 1 from the like (2) → 0.5 and 0.5.
    expect(Array.from(ui.indices.subarray(ui.indptr[3]!, ui.indptr[4]!)).sort()).toEqual([0, 1]);
    expect(Array.from(ui.data.subarray(ui.indptr[3]!, ui.indptr[4]!))).toEqual([0.5, 0.5]);
    const pv = postVectors(input, knownFor, ui, 2, 5);
    // Post 0: author's community 1 (1) + 2 × (0.5, 0.5) → community 1: 2, community 0: 1.
    const row = new Map(Array.from(pv.indices.subarray(pv.indptr[0]!, pv.indptr[1]!), (c, k) => [c, pv.data[pv.indptr[0]! + k]!]));
    expect(row).toEqual(new Map([[1, 2], [0, 1]]));
  });
});

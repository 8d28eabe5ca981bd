import { describe, expect, it } from 'vitest';
import { candidatesOf } from './candidates.js';
import { followGraphFromEdges } from './follow-graph.js';
import { embeddingNeighbours } from './generators/embedding-neighbours.js';
import { friendsOfFriends } from './generators/friends-of-friends.js';
import { engagementIndex, interestSimilarity } from './generators/interest-similarity.js';
import { personalizedPageRank } from './generators/personalized-pagerank.js';
import { salsa } from './generators/salsa.js';
import { csrFromCoo } from '../math/csr.js';

const none = (): boolean => false;
const graphOf = (n: number, edges: [number, number][]) => followGraphFromEdges(n, edges.map((e) => e[0]), edges.map((e) => e[1]));

// 0 → 1, 2;  1 → 3, 4;  2 → 3;  4 → 0.  Undirected degrees: deg(1) = |{3, 4} ∪ {0}| = 3, deg(2) = |{3} ∪ {0}| = 2.
const tiny = graphOf(5, [[0, 1], [0, 2], [1, 3], [1, 4], [2, 3], [4, 0]]);

describe('follow graph', () => {
  it('keeps both directions and the undirected degree', () => {
    expect(Array.from(tiny.out.indices.subarray(tiny.out.indptr[1]!, tiny.out.indptr[2]!))).toEqual([3, 4]);
    expect(Array.from(tiny.in.indices.subarray(tiny.in.indptr[3]!, tiny.in.indptr[4]!))).toEqual([1, 2]);
    expect(Array.from(tiny.degree)).toEqual([3, 3, 2, 2, 2]);
  });

  it('drops duplicates and self-follows', () => {
    const g = graphOf(3, [[0, 1], [0, 1], [2, 2], [1, 0]]);
    expect(g.out.indptr[3]).toBe(2);
    expect(Array.from(g.degree)).toEqual([1, 1, 0]);
  });
});

describe('friends of friends', () => {
  it('counts common neighbours: 3 is reached through 1 and 2, 4 through 1', () => {
    expect(candidatesOf(friendsOfFriends(tiny, 'common-neighbours'), 0, 10, (v) => v === 0)).toEqual([{ user: 3, score: 2 }, { user: 4, score: 1 }]);
  });

  it('weighs each middle account by 1 / ln of its degree (Adamic–Adar)', () => {
    const [a, b] = candidatesOf(friendsOfFriends(tiny, 'adamic-adar'), 0, 10, none);
    expect(a!.user).toBe(3);
    expect(a!.score).toBeCloseTo(1 / Math.log(3) + 1 / Math.log(2), 12);
    expect(b).toEqual({ user: 4, score: expect.closeTo(1 / Math.log(3), 12) as number });
  });

  it('leaves out excluded accounts and answers the next viewer afresh', () => {
    const g = friendsOfFriends(tiny, 'common-neighbours');
    expect(candidatesOf(g, 0, 10, (v) => v === 3)).toEqual([{ user: 4, score: 1 }]);
    expect(candidatesOf(g, 4, 10, none)).toEqual([{ user: 1, score: 1 }, { user: 2, score: 1 }]);
  });
});

describe('personalized PageRank', () => {
  // A walker on u ↔ a restarting at u with probability α: π_u = α + (1 − α)π_a, π_a = (1 − α)π_u ⇒ π_u = 1/(2 − α).
  it('matches the closed form on a mutual pair', () => {
    const scores = personalizedPageRank(graphOf(2, [[0, 1], [1, 0]]), { epsilon: 1e-12 }).scores(0);
    expect(scores.get(0)).toBeCloseTo(1 / 1.85, 9);
    expect(scores.get(1)).toBeCloseTo(0.85 / 1.85, 9);
  });

  it('sends a walker stuck at an account that follows no one home (same closed form)', () => {
    const scores = personalizedPageRank(graphOf(2, [[0, 1]]), { epsilon: 1e-12 }).scores(0);
    expect(scores.get(0)).toBeCloseTo(1 / 1.85, 9);
    expect(scores.get(1)).toBeCloseTo(0.85 / 1.85, 9);
  });

  it('splits rank evenly over a star and ranks the two-hop account below the first hop', () => {
    // 0 → 1, 2; 1 → 3: π_1 = π_2 = (1 − α)/2 · π_0-flow; 3 gets (1 − α) of 1's.
    const ppr = personalizedPageRank(graphOf(4, [[0, 1], [0, 2], [1, 3]]), { epsilon: 1e-12 });
    const top = candidatesOf(ppr, 0, 3, (v) => v === 0);
    expect(top.map((c) => c.user)).toEqual([1, 2, 3]);
    expect(top[0]!.score).toBeCloseTo(top[1]!.score, 12);
    expect(top[2]!.score / top[0]!.score).toBeCloseTo(0.85, 9);
  });
});

describe('SALSA', () => {
  it('ranks the authority followed by more of the circle of trust first, in the hand-computed ratio', () => {
    // 0 follows a = 1 and b = 2; 1 → 3, 4; 2 → 3; everyone is in the circle (3 and 4 follow no one). With one
    // round, authority(3) = h_a/2 + h_b and authority(4) = h_a/2 where h_a = h_b by symmetry: a ratio of 3.
    const g = graphOf(5, [[0, 1], [0, 2], [1, 3], [1, 4], [2, 3]]);
    const s = salsa(g, personalizedPageRank(g, { epsilon: 1e-12 }), { trust: 4, iterations: 1 }).scores(0);
    expect(s.get(3) / s.get(4)).toBeCloseTo(3, 9);
    expect(s.top(2, (v) => v <= 2).map((c) => c.user)).toEqual([3, 4]);
  });
});

describe('interest similarity', () => {
  it('weighs shared posts by 1/ln(2 + audience) over √(|I_u|·|I_v|)', () => {
    // 0 likes posts 0, 1; 1 likes 0; 2 likes 1, 2.
    const m = csrFromCoo(3, 3, [0, 0, 1, 2, 2], [0, 1, 0, 1, 2]);
    const s = interestSimilarity(engagementIndex(m), 3).scores(0);
    expect(s.get(1)).toBeCloseTo(1 / Math.log(4) / Math.sqrt(2), 12);
    expect(s.get(2)).toBeCloseTo(1 / Math.log(4) / 2, 12);
    expect(s.top(5, (v) => v === 0).map((c) => c.user)).toEqual([1, 2]);
  });
});

describe('embedding neighbours', () => {
  it('ranks by cosine and drops orthogonal accounts', () => {
    const g = embeddingNeighbours({ n: 4, dim: 2, data: Float32Array.of(1, 0, 2, 0.2, 0, 1, 1, 1) });
    const top = candidatesOf(g, 0, 5, (v) => v === 0);
    expect(top.map((c) => c.user)).toEqual([1, 3]);
    expect(top[1]!.score).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { csrFromCoo } from '../math/csr.js';
import { evaluableUsers, holdOutEdges } from './edge-holdout.js';
import { viewerExclusions } from './exclusions.js';
import { followGraphFromEdges, hasEdge, type FollowGraph } from './follow-graph.js';
import { createFollowModel } from './follow-models.js';
import { engagementIndex } from './generators/interest-similarity.js';
import { embeddingNeighbours } from './generators/embedding-neighbours.js';
import { socialProof } from './social-proof.js';
import { spectralEmbedding } from './spectral-embedding.js';
import { createWhoToFollow } from './who-to-follow.js';

const graphOf = (n: number, edges: [number, number][]) => followGraphFromEdges(n, edges.map((e) => e[0]), edges.map((e) => e[1]));

/** Friendships (both directions) inside `blocks` communities of `size` users with probability pIn, across with pOut. */
function plantedCommunities(blocks: number, size: number, pIn: number, pOut: number, seed: number): FollowGraph {
  const rng = createRng(seed);
  const from: number[] = [], to: number[] = [];
  const n = blocks * size;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (rng.next() < (Math.floor(a / size) === Math.floor(b / size) ? pIn : pOut)) {
        from.push(a, b);
        to.push(b, a);
      }
    }
  }
  return followGraphFromEdges(n, from, to);
}

describe('edge holdout', () => {
  const g = plantedCommunities(3, 20, 0.4, 0.02, 1);
  const h = holdOutEdges(g, 0.2, 42);

  it('hides a friendship in both directions or in neither, and loses no edge', () => {
    let hidden = 0;
    for (let u = 0; u < g.n; u++) {
      for (let p = g.out.indptr[u]!; p < g.out.indptr[u + 1]!; p++) {
        const v = g.out.indices[p]!;
        const gone = hasEdge(h.hidden, u, v);
        expect(gone).toBe(!hasEdge(h.train.out, u, v));
        expect(hasEdge(h.hidden, v, u)).toBe(gone);
        if (gone) hidden++;
      }
    }
    expect(hidden / g.out.indptr[g.n]!).toBeCloseTo(0.2, 2);
  });

  it('is the same for the same seed, different for another', () => {
    expect(holdOutEdges(g, 0.2, 42).hidden.indices).toEqual(h.hidden.indices);
    expect(holdOutEdges(g, 0.2, 43).hidden.indices).not.toEqual(h.hidden.indices);
  });

  it('scores only users with a hidden and a kept follow', () => {
    for (const u of evaluableUsers(h)) {
      expect(h.hidden.indptr[u + 1]! - h.hidden.indptr[u]!).toBeGreaterThan(0);
      expect(h.train.out.indptr[u + 1]! - h.train.out.indptr[u]!).toBeGreaterThan(0);
    }
  });
});

describe('spectral embedding', () => {
  it('puts each planted community together: every account’s nearest neighbours share its community', () => {
    const g = plantedCommunities(4, 25, 0.3, 0.005, 3);
    const near = embeddingNeighbours(spectralEmbedding(g, { dim: 4 }));
    let same = 0, all = 0;
    for (let u = 0; u < g.n; u++) {
      for (const c of near.scores(u).top(5, (v) => v === u)) {
        all++;
        if (Math.floor(c.user / 25) === Math.floor(u / 25)) same++;
      }
    }
    expect(same / all).toBeGreaterThan(0.95);
  });
});

describe('exclusions', () => {
  it('never suggests the viewer, whom they follow, or what the caller hides', () => {
    const g = graphOf(4, [[0, 1]]);
    const ex = viewerExclusions(g, 0, (v) => v === 3);
    expect([0, 1, 2, 3].map(ex)).toEqual([true, true, false, true]);
  });
});

describe('social proof', () => {
  it('names the followed accounts that follow the suggestion, most followed first, and the shared tag', () => {
    // 0 follows 1, 2, 3; 1, 2 and 3 follow 4; 4 follows 0; 2 has two extra followers.
    const g = graphOf(7, [[0, 1], [0, 2], [0, 3], [1, 4], [2, 4], [3, 4], [4, 0], [5, 2], [6, 2]]);
    const engagement = engagementIndex(csrFromCoo(7, 3, [0, 0, 4, 4], [0, 1, 0, 1]));
    const proof = socialProof({ graph: g, engagement, postTags: [['jazz', 'live'], ['jazz'], ['rock']] }, 0, 4);
    expect(proof).toEqual([
      { kind: 'followed-by', users: [2, 1], total: 3 },
      { kind: 'follows-you' },
      { kind: 'shared-interest', posts: 2, tag: 'jazz' },
    ]);
    expect(socialProof({ graph: g }, 0, 5)).toEqual([]);
  });
});

describe('follow/default on planted communities', () => {
  const g = plantedCommunities(4, 30, 0.3, 0.01, 7);
  const h = holdOutEdges(g, 0.2, 42);
  const users = evaluableUsers(h);
  const recallAt10 = (id: string): number => {
    const model = createFollowModel(id);
    model.fit({ graph: h.train }, 42);
    let hits = 0, total = 0;
    for (const u of users) {
      const top = new Set(model.suggest(u, 10, viewerExclusions(h.train, u)).map((c) => c.user));
      for (let p = h.hidden.indptr[u]!; p < h.hidden.indptr[u + 1]!; p++, total++) if (top.has(h.hidden.indices[p]!)) hits++;
    }
    return hits / total;
  };

  it('finds hidden friendships inside the communities far above chance', () => {
    // A random pick of 10 among ~100 non-friends finds about 10 % of hidden edges; in-community scoring about 10/20.
    expect(recallAt10('follow/default')).toBeGreaterThan(0.3);
    expect(recallAt10('follow/adamic-adar')).toBeGreaterThan(0.3);
  });

  it('serves suggestions with proof, never the viewer, a followed or a hidden account', () => {
    const wtf = createWhoToFollow({ graph: g }, 42);
    const u = 5;
    const hiddenUser = wtf.suggest(u, 1)[0]!.user;
    const out = wtf.suggest(u, 20, (v) => v === hiddenUser);
    expect(out.length).toBe(20);
    for (const s of out) {
      expect(s.user).not.toBe(u);
      expect(s.user).not.toBe(hiddenUser);
      expect(hasEdge(g.out, u, s.user)).toBe(false);
      expect(s.score).toBeGreaterThan(0);
    }
    expect(out[0]!.proof[0]).toMatchObject({ kind: 'followed-by' });
    expect(wtf.stats.edges).toBe(g.out.indptr[g.n]);
  });
});

describe('proof in words', () => {
  it('names two accounts and counts the rest', async () => {
    const { proofText } = await import('./social-proof.js');
    const handle = (u: number): string => ['ann', 'ben', 'cy'][u]!;
    expect(proofText({ kind: 'followed-by', users: [0, 1], total: 2 }, handle)).toBe('followed by @ann and @ben you follow');
    expect(proofText({ kind: 'followed-by', users: [0, 1], total: 5 }, handle)).toBe('followed by @ann, @ben and 3 others you follow');
    expect(proofText({ kind: 'shared-interest', posts: 3, tag: 'jazz' }, handle)).toBe('you both like #jazz');
    expect(proofText({ kind: 'follows-you' }, handle)).toBe('follows you');
  });
});

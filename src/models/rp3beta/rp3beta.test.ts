import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrGet } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel, registerModel } from '../registry.js';
import { blockScores, plantedBlocks, tinyDataset } from '../mf/test-fixtures.js';
import { RP3BETA_ID, rp3betaFactory, Rp3betaRecommender } from './rp3beta.js';
import { runForgetContract } from '../contract/forget-contract.js';
import { buildDataset } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import type { Event, Post } from '../../data/schemas.js';
import { datasetWithout } from '../../data/dataset-without.js';
registerModel(rp3betaFactory);

/** Dense reference: W = diag-zeroed (P_iu^α · P_ui^α) · diag(deg^−β), every entry kept. */
function denseW(x: number[][], alpha: number, beta: number): number[][] {
  const nU = x.length, nI = x[0]!.length;
  const deg = Array.from({ length: nI }, (_, i) => x.reduce((a, row) => a + (row[i]! > 0 ? 1 : 0), 0));
  const rowSum = x.map((row) => row.reduce((a, v) => a + v, 0));
  return Array.from({ length: nI }, (_, i) => Array.from({ length: nI }, (_, j) => {
    if (i === j || deg[i] === 0 || deg[j] === 0) return 0;
    let s = 0;
    for (let u = 0; u < nU; u++) if (x[u]![i]! > 0 && x[u]![j]! > 0) s += Math.pow(1 / deg[i]!, alpha) * Math.pow(x[u]![j]! / rowSum[u]!, alpha);
    return s / Math.pow(deg[j]!, beta);
  }));
}

describe('rp3beta', () => {
  it('computes W as the dense reference on random weighted data (α, β, weights)', async () => {
    const rng = createRng(8);
    const nU = 12, nI = 9;
    const x = Array.from({ length: nU }, () => Array.from({ length: nI }, () => (rng.next() < 0.35 ? 1 + rng.int(4) : 0)));
    const pairs = x.flatMap((row, u) => row.flatMap((v, i) => (v > 0 ? [[u, i, v] as [number, number, number]] : [])));
    const data = tinyDataset(nU, nI, pairs);
    for (const [alpha, beta, binary] of [[1, 0, true], [0.7, 0.4, false], [1.3, 1, true]] as const) {
      const m = new Rp3betaRecommender({ alpha, beta, binary, neighbours: nI });
      await m.fit(data);
      const ref = denseW(binary ? x.map((r) => r.map((v) => (v > 0 ? 1 : 0))) : x, alpha, beta);
      for (let i = 0; i < nI; i++) for (let j = 0; j < nI; j++) expect(csrGet(m.similarity(), i, j)).toBeCloseTo(ref[i]![j]!, 6);
    }
  });

  it('keeps the top `neighbours` per row and normalises rows to sum 1 when asked', async () => {
    const rng = createRng(9);
    const pairs: [number, number][] = [];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 10; i++) if (rng.next() < 0.4) pairs.push([u, i]);
    const data = tinyDataset(30, 10, pairs);
    const full = new Rp3betaRecommender({ neighbours: 10 }), cut = new Rp3betaRecommender({ neighbours: 3, normalize: true });
    await full.fit(data);
    await cut.fit(data);
    const f = full.similarity(), c = cut.similarity();
    for (let i = 0; i < 10; i++) {
      const row = Array.from(f.data.subarray(f.indptr[i]!, f.indptr[i + 1]!)).sort((a, b) => b - a);
      const kept = Array.from(c.data.subarray(c.indptr[i]!, c.indptr[i + 1]!));
      expect(kept).toHaveLength(3);
      const sum = row.slice(0, 3).reduce((a, b) => a + b, 0);
      expect(kept.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect([...kept].sort((a, b) => b - a).map((v) => v * sum)).toEqual(row.slice(0, 3).map((v) => expect.closeTo(v, 5)));
    }
  });

  it('a larger β moves recommendations away from the most popular items', async () => {
    // Item 0 is liked by everyone; items 1–8 by overlapping halves.
    const pairs: [number, number][] = [];
    for (let u = 0; u < 40; u++) { pairs.push([u, 0]); for (let i = 1; i < 9; i++) if ((u + i) % 3 !== 0) pairs.push([u, i]); }
    const data = tinyDataset(41, 9, [...pairs, [40, 3]]);
    const rankOfPopular = async (beta: number): Promise<number> => {
      const m = createModel('rp3beta', { beta });
      await m.fit(data);
      return m.recommend(40, { k: 9 }).findIndex((r) => r.item === 0);
    };
    expect(await rankOfPopular(0)).toBe(0);
    expect(await rankOfPopular(1.5)).toBeGreaterThan(0);
  });

  it('learns planted blocks', async () => {
    const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });
    const m = createModel('rp3beta', { neighbours: 20 });
    await m.fit(fx.train);
    const s = blockScores(m, fx);
    expect(s.precision).toBeGreaterThan(0.9); // chance 0.25
    expect(s.heldOutHit).toBeGreaterThan(0.8); // chance ≈ 10/40
  });
});

runRecommenderContract('rp3beta', {});
runRecommenderContract('rp3beta', { alpha: 0.8, beta: 0.3, neighbours: 5, normalize: true, binary: false });

describe('rp3beta forget', () => {
  runForgetContract(RP3BETA_ID);
  runForgetContract(RP3BETA_ID, { alpha: 0.8, beta: 0.3, binary: false, neighbours: 5, normalize: true });
});

/**
 * Sparse planted groups: 60 users in 10 groups, each group's 20 posts written by its first user, each user engaging
 * with 5 to 8 of their group's posts and now and then one elsewhere; an erasure touches a few rows of 200, so
 * `forget` patches rows beside W instead of computing all of W again.
 */
function sparseGroups(): Dataset {
  const rng = createRng(11);
  const users = Array.from({ length: 60 }, (_, u) => ({ id: `u${u}` }));
  const posts = Array.from({ length: 200 }, (_, i) => ({ id: `p${i}`, author: `u${Math.floor(i / 20) * 6}`, text: '', tags: [], created_at: i }) as Post);
  const events: Event[] = [];
  for (let u = 0; u < 60; u++) {
    const group = u % 10, n = 5 + rng.int(4);
    for (let e = 0; e < n; e++) events.push({ id: `e${events.length}`, user: `u${u}`, post: `p${group * 20 + rng.int(20)}`, type: rng.next() < 0.5 ? 'like' : 'view', timestamp: 1000 + events.length } as Event);
    if (rng.next() < 0.3) events.push({ id: `e${events.length}`, user: `u${u}`, post: `p${rng.int(200)}`, type: 'like', timestamp: 1000 + events.length } as Event);
  }
  return buildDataset({ users, posts, events });
}

describe('rp3beta forget, twice in a row', () => {
  // The first forget keeps its replaced rows beside W and the walk's transpose; the second starts from both.
  for (const params of [{ neighbours: 6 }, { neighbours: 3, beta: 0.9, binary: false }, { neighbours: 4, normalize: true }]) {
    it(`equals a fit on the snapshot without both users (${JSON.stringify(params)})`, async () => {
      const data = sparseGroups();
      const m = new Rp3betaRecommender(params);
      await m.fit(data);
      let now = data;
      const erased: number[] = [];
      for (const id of ['u6', 'u13']) {
        const user = now.users.index(id);
        const items = Array.from({ length: now.items.size }, (_, i) => i).filter((i) => now.itemAuthors[i] === user);
        erased.push(user);
        const next = datasetWithout(now, { users: [user], items });
        m.forget(next, { users: [user], items });
        now = next;
      }
      // Rows replaced by the patch path stay beside W until it is merged.
      expect((m as unknown as { replaced: Map<number, unknown> }).replaced.size).toBeGreaterThan(0);
      const reference = new Rp3betaRecommender(params);
      await reference.fit(now);
      for (let u = 0; u < now.users.size; u++) {
        if (erased.includes(u)) continue;
        expect(m.recommend(u, { k: now.items.size, excludeSeen: false })).toEqual(reference.recommend(u, { k: now.items.size, excludeSeen: false }));
      }
      for (let i = 0; i < now.items.size; i++) expect(m.similarItems(i, 10)).toEqual(reference.similarItems(i, 10));
      const restored = loadModel(decodeArtifact(encodeArtifact(m.save()))) as Rp3betaRecommender;
      for (const model of [m, restored]) {
        const w = model.similarity(), want = reference.similarity();
        expect(Array.from(w.indptr)).toEqual(Array.from(want.indptr));
        expect(Array.from(w.indices)).toEqual(Array.from(want.indices));
        expect(Array.from(w.data)).toEqual(Array.from(want.data));
      }
    });
  }
});

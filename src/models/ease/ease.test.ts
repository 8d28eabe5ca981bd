import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { isResonateError } from '../../core/errors.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel, registerModel } from '../registry.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { blockScores, tinyDataset, plantedBlocks } from '../mf/test-fixtures.js';
import { EaseRecommender } from './ease.js';
import { spdInverse, spdInverseBlocked, spdInverseGemm } from './spd-inverse.js';
import { inverseRef } from './spd-inverse.ref.js';
import { easeFactory, easeWeights } from './ease.js';
import { inverseFromWeights, rankOneInverseUpdate, type SparseRow } from './inverse-update.js';
import { datasetWithout } from '../../data/dataset-without.js';
import { runForgetContract } from '../contract/forget-contract.js';
registerModel(easeFactory);

function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += m[i * n + k]! * m[j * n + k]!;
    a[i * n + j] = s + (i === j ? n : 0);
  }
  return a;
}

describe('spdInverse', () => {
  it('matches Gauss–Jordan on random SPD matrices', () => {
    for (const n of [1, 2, 5, 17, 40]) {
      const a = randomSpd(n, n);
      const fast = spdInverse(a, n), ref = inverseRef(a, n);
      for (let k = 0; k < n * n; k++) expect(fast[k]).toBeCloseTo(ref[k]!, 10);
    }
  });
  it('matches Gauss–Jordan with the gemm product in Float32 to 1e-4 relative', () => {
    for (const n of [3, 33, 70]) {
      const a = randomSpd(n, 100 + n);
      const fast = spdInverseGemm(a, n), ref = inverseRef(a, n);
      let scale = 0;
      for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(ref[k]!));
      for (let k = 0; k < n * n; k++) expect(Math.abs(fast[k]! - ref[k]!)).toBeLessThan(1e-4 * scale);
    }
  });
  it('matches Gauss–Jordan with recursive Schur-complement blocking in Float32 to 1e-4 relative', () => {
    for (const n of [5, 97, 200, 301]) {
      const a = randomSpd(n, 200 + n);
      const fast = spdInverseBlocked(Float32Array.from(a), n), ref = inverseRef(a, n);
      let scale = 0;
      for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(ref[k]!));
      for (let k = 0; k < n * n; k++) expect(Math.abs(fast[k]! - ref[k]!)).toBeLessThan(1e-4 * scale);
    }
  });
  it('refuses a matrix that is not positive definite', () => {
    expect(() => spdInverse(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('ease', () => {
  // u0: {0,1}, u1: {1,2}, u2: {0,1,2}; with λ = 1, G = [[3,2,1],[2,4,2],[1,2,3]], det 16,
  // P = G⁻¹ = [[.5,−.25,0],[−.25,.5,−.25],[0,−.25,.5]], so B = −P/diag(P) = [[0,.5,0],[.5,0,.5],[0,.5,0]].
  const hand = tinyDataset(3, 3, [[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);

  it('computes B by hand on a 3×3 example', async () => {
    const m = new EaseRecommender({ lambda: 1 });
    await m.fit(hand);
    const expected = [0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0];
    const b = m.weights();
    for (let k = 0; k < 9; k++) expect(b[k]).toBeCloseTo(expected[k]!, 6);
    // user 0 has items 0 and 1: scores x_u·B = [.5, .5, .5]; only item 2 is unseen.
    expect(m.recommend(0, { k: 3 })).toEqual([{ item: 2, score: expect.closeTo(0.5, 6) }]);
    expect(m.similarItems(1, 2).map((r) => r.item).sort()).toEqual([0, 2]);
  });

  it('with minSupport, fits B over the items enough users took and never recommends the rest', async () => {
    // The hand example plus item 3, taken by user 0 only: with minSupport 2, B is the 3×3 of the hand example.
    const tail = tinyDataset(3, 4, [[0, 0], [0, 1], [0, 3], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
    const m = new EaseRecommender({ lambda: 1, minSupport: 2 });
    await m.fit(tail);
    const expected = [0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0];
    const b = m.weights();
    expect(b.length).toBe(9);
    for (let k = 0; k < 9; k++) expect(b[k]).toBeCloseTo(expected[k]!, 6);
    // user 1 (items 1, 2): item 0 scores B_10 + B_20 = 0.5; item 3 is outside B.
    expect(m.recommend(1, { k: 4 })).toEqual([{ item: 0, score: expect.closeTo(0.5, 6) }]);
    expect(m.similarItems(3, 2)).toEqual([]);
    expect(m.similarItems(0, 3).map((r) => r.item)).toEqual([1, 2]);
    const back = loadModel(decodeArtifact(encodeArtifact(m.save())));
    expect(back.recommend([0, 1, 2], { k: 3 })).toEqual(m.recommend([0, 1, 2], { k: 3 }));
    expect(back.similarItems(3, 2)).toEqual([]);
    // A kept-item map that is not increasing, or points outside the catalogue, is refused.
    const bad = m.save();
    for (const kept of [Int32Array.from([0, 2, 1]), Int32Array.from([0, 1, 7])]) {
      const art = { ...bad, tensors: { ...bad.tensors, kept: { data: kept, shape: [3] } } };
      expect(() => loadModel(art)).toThrow(/kept/);
    }
    // A catalogue too large for maxItems fits once minSupport trims it.
    await expect(new EaseRecommender({ lambda: 1, maxItems: 3 }).fit(tail)).rejects.toThrow(/minSupport/);
    await new EaseRecommender({ lambda: 1, maxItems: 3, minSupport: 2 }).fit(tail);
  });

  it('recovers planted blocks', async () => {
    const fx = plantedBlocks(createRng(3), { users: 120, items: 60, groups: 4, pIn: 0.5, pOut: 0.02 });
    const m = createModel('ease', { lambda: 10 });
    await m.fit(fx.train);
    const s = blockScores(m, fx);
    expect(s.precision).toBeGreaterThan(0.95);
    expect(s.heldOutHit).toBeGreaterThan(0.8); // chance is about 10/52
  });

  it('validates params, refuses huge catalogues, and saves/loads through the registry', async () => {
    expect(() => createModel('ease', { lambda: 1, nope: 2 })).toThrow(/nope/);
    try { createModel('ease', { lambda: -1 }); } catch (e) { expect(isResonateError(e, 'INVALID_INPUT')).toBe(true); }
    await expect(new EaseRecommender({ maxItems: 2 }).fit(hand)).rejects.toThrow(/item-knn/);
    const m = new EaseRecommender({ lambda: 1 });
    await m.fit(hand);
    const back = loadModel(decodeArtifact(encodeArtifact(m.save())));
    expect(back.recommend([0, 1, 2], { k: 2 })).toEqual(m.recommend([0, 1, 2], { k: 2 }));
  });

  it('honours an aborted signal', async () => {
    const c = new AbortController();
    c.abort();
    await expect(new EaseRecommender().fit(hand, { signal: c.signal })).rejects.toThrow(/cancelled/);
  });
});

runRecommenderContract('ease', { lambda: 1 }, { cancellable: true });

describe('ease unlearning', () => {
  /** Random binary X (users × items) as rows of item indices, with every item taken by several users. */
  function randomRows(seed: number, users: number, items: number): number[][] {
    const rng = createRng(seed);
    return Array.from({ length: users }, (_, u) => Array.from({ length: items }, (_, i) => i).filter((i) => i === u % items || rng.next() < 0.3));
  }
  function gram(rows: number[][], n: number, lambda: number): Float64Array {
    const g = new Float64Array(n * n);
    for (const r of rows) for (const i of r) for (const j of r) g[i * n + j]! += 1;
    for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
    return g;
  }
  const row = (r: number[]): SparseRow => ({ indices: Int32Array.from(r), values: new Float64Array(r.length).fill(1) });
  const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let diff = 0, scale = 0;
    for (let k = 0; k < a.length; k++) { diff = Math.max(diff, Math.abs(a[k]! - b[k]!)); scale = Math.max(scale, Math.abs(b[k]!)); }
    return diff / scale;
  };

  it('Sherman–Morrison removal and addition of rows equal a fresh inverse within 1e-8 relative', () => {
    const n = 30, lambda = 2;
    const rows = randomRows(3, 60, n);
    const p = spdInverse(gram(rows, n, lambda), n);
    // Erase user 0 (row gone) and shrink user 1's row (their interactions with items 0..4 gone).
    const shrunk = rows[1]!.filter((i) => i >= 5);
    rankOneInverseUpdate(p, n, row(rows[0]!), -1);
    rankOneInverseUpdate(p, n, row(rows[1]!), -1);
    rankOneInverseUpdate(p, n, row(shrunk), 1);
    const fresh = spdInverse(gram([shrunk, ...rows.slice(2)], n, lambda), n);
    expect(maxRelDiff(p, fresh)).toBeLessThan(1e-8);
    // Against the inverse before the change, to show the bound is not met trivially.
    expect(maxRelDiff(spdInverse(gram(rows, n, lambda), n), fresh)).toBeGreaterThan(1e-3);
  });

  it('recovers P from B and G + λI', () => {
    const n = 12, lambda = 3;
    const a = gram(randomRows(4, 40, n), n, lambda);
    const p = spdInverse(a, n);
    expect(maxRelDiff(inverseFromWeights(easeWeights(p, n), a, n), p)).toBeLessThan(1e-6);
  });

  it('forget gives the B of a fit without the erased user, by downdating', async () => {
    const n = 25;
    const rows = randomRows(6, 50, n);
    const pairs = (rs: number[][]): [number, number][] => rs.flatMap((r, u) => r.map((i) => [u, i] as [number, number]));
    const data = tinyDataset(rows.length, n, pairs(rows));
    const erased = 7;
    const without = tinyDataset(rows.length, n, pairs(rows.map((r, u) => (u === erased ? [] : r))));
    const m = new EaseRecommender({ lambda: 10 });
    await m.fit(data);
    const before = m.weights().slice();
    const fresh = new EaseRecommender({ lambda: 10 });
    await fresh.fit(without);
    m.forget(datasetWithout(data, { users: [erased], items: [] }), { users: [erased], items: [] });
    expect(maxRelDiff(before, fresh.weights())).toBeGreaterThan(1e-3);
    // B of a fit is computed through a Float32 inverse: the two agree to its precision.
    expect(maxRelDiff(m.weights(), fresh.weights())).toBeLessThan(1e-4);
  });

  runForgetContract('ease', { lambda: 20 }, { tolerance: 1e-4 });
  runForgetContract('ease', { lambda: 20, minSupport: 2 }, { tolerance: 1e-4 });
});

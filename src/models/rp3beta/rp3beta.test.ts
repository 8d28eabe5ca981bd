import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrGet } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { blockScores, plantedBlocks, tinyDataset } from '../mf/test-fixtures.js';
import { RP3BETA_ID, rp3betaFactory, Rp3betaRecommender } from './rp3beta.js';
import { runForgetContract } from '../contract/forget-contract.js';
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

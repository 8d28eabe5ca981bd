import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrGet } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { EaseRecommender, easeFactory, gramFromCsr } from '../ease/ease.js';
import { proximityGram, proximityKernel, timeEaseFactory, TimeEaseRecommender, timeKnnFactory, TimeKnnRecommender } from './time-proximity.js';
registerModel(timeKnnFactory);
registerModel(timeEaseFactory);
registerModel(easeFactory);

const MIN = 60_000;

/** Random users × items with random times over 3 hours. */
function randomData(seed: number, nU = 15, nI = 8) {
  const rng = createRng(seed);
  const pairs: [number, number][] = [], times: number[] = [];
  for (let u = 0; u < nU; u++) for (let i = 0; i < nI; i++) if (rng.next() < 0.45) { pairs.push([u, i]); times.push(rng.next() * 180 * MIN); }
  return { data: tinyDataset(nU, nI, pairs, times), pairs, times };
}

describe('time proximity', () => {
  it('weights a pair by (1 − γ) + γ·exp(−|Δt|/τ)', () => {
    expect(proximityKernel(0, { tauMinutes: 5, gamma: 0.6 })).toBeCloseTo(1, 12);
    expect(proximityKernel(-10 * MIN, { tauMinutes: 5, gamma: 0.6 })).toBeCloseTo(0.4 + 0.6 * Math.exp(-2), 12);
    expect(proximityKernel(1e12, { tauMinutes: 5, gamma: 1 })).toBe(0);
  });

  it('builds G = Σ_u Σ_{a,b ∈ u} k(t_a − t_b), and XᵀX when γ = 0', () => {
    const { data, pairs, times } = randomData(4);
    const p = { tauMinutes: 20, gamma: 0.8 };
    const g = proximityGram(data.interactions, data.interactionTimes, p);
    const n = 8;
    const ref = new Float64Array(n * n);
    pairs.forEach(([u, i], a) => pairs.forEach(([v, j], b) => { if (u === v) ref[i * n + j]! += proximityKernel(times[a]! - times[b]!, p); }));
    for (let k = 0; k < n * n; k++) expect(g[k]).toBeCloseTo(ref[k]!, 9);
    expect(Array.from(proximityGram(data.interactions, data.interactionTimes, { tauMinutes: 20, gamma: 0 }))).toEqual(Array.from(gramFromCsr(data.interactions, true)));
  });

  it('time-proximity/ease with γ = 0 is EASE', async () => {
    const { data } = randomData(5);
    const t = new TimeEaseRecommender({ gamma: 0, lambda: 3 }), e = new EaseRecommender({ lambda: 3 });
    await t.fit(data);
    await e.fit(data);
    for (let u = 0; u < 15; u++) {
      const a = t.recommend(u, { k: 8, excludeSeen: false }), b = e.recommend(u, { k: 8, excludeSeen: false });
      expect(a.map((r) => r.item)).toEqual(b.map((r) => r.item));
      a.forEach((r, k) => expect(r.score).toBeCloseTo(b[k]!.score, 5));
    }
  });

  it('time-proximity/knn links items taken in the same sitting over items taken a day apart', async () => {
    // Every user takes items 0 and 1 a minute apart and item 2 a day later; user 10 has only item 0.
    const pairs: [number, number][] = [], times: number[] = [];
    for (let u = 0; u < 10; u++) { pairs.push([u, 0], [u, 1], [u, 2]); times.push(u * 1e8, u * 1e8 + MIN, u * 1e8 + 1440 * MIN); }
    pairs.push([10, 0]);
    times.push(0);
    const data = tinyDataset(11, 3, pairs, times);
    const m = new TimeKnnRecommender({ tauMinutes: 10 });
    await m.fit(data);
    const w = m.similarity();
    // W_01 = 10·e^{−0.1} / √(11·10), W_02 = 10·e^{−144} / √(11·10).
    expect(csrGet(w, 0, 1)).toBeCloseTo((10 * Math.exp(-0.1)) / Math.sqrt(110), 5);
    expect(csrGet(w, 0, 2)).toBeLessThan(1e-50);
    expect(m.recommend(10, { k: 2 }).map((r) => r.item)).toEqual([1, 2]);
    // γ = 0 forgets time: items 1 and 2 tie.
    const plain = new TimeKnnRecommender({ gamma: 0 });
    await plain.fit(data);
    const [a, b] = plain.recommend(10, { k: 2 });
    expect(a!.score).toBeCloseTo(b!.score, 6);
  });

  it('time-proximity/ease with minSupport equals the model fitted without the rare items (times carried along)', async () => {
    const { pairs, times } = randomData(7, 15, 8);
    // Item 8 is taken once, by user 0: below minSupport 2, so B must be the 8×8 fit without it.
    const withRare = tinyDataset(15, 9, [...pairs, [0, 8]], [...times, 5 * MIN]);
    const without = tinyDataset(15, 8, pairs, times);
    const p = { tauMinutes: 15, gamma: 0.8, lambda: 2 };
    const a = new TimeEaseRecommender({ ...p, minSupport: 2 }), b = new TimeEaseRecommender(p);
    await a.fit(withRare);
    await b.fit(without);
    const ba = (a as unknown as { b: Float32Array }).b, bb = (b as unknown as { b: Float32Array }).b;
    expect(ba.length).toBe(64);
    for (let k = 0; k < 64; k++) expect(ba[k]).toBeCloseTo(bb[k]!, 5);
    for (let u = 1; u < 15; u++) expect(a.recommend(u, { k: 9 }).map((r) => r.item)).not.toContain(8);
  });

  it('refuses catalogues above maxItems in the dense model', async () => {
    const { data } = randomData(6);
    await expect(createModel('time-proximity/ease', { maxItems: 4 }).fit(data)).rejects.toThrow(/maxItems/);
  });
});

runRecommenderContract('time-proximity/knn', {});
runRecommenderContract('time-proximity/knn', { tauMinutes: 60, gamma: 0.5, normExponent: 1, neighbours: 5 });
runRecommenderContract('time-proximity/ease', { lambda: 1 });

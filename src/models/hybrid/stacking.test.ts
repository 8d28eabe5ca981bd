import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { rowIndices } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { easeFactory } from '../ease/ease.js';
import { itemKnnFactories } from '../knn/item-knn.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { allTimeFactory } from '../popular/popular.js';
import { createModel, loadModel, registerModel } from '../registry.js';
import { sarFactory } from '../sar/sar.js';
import { carveByItem } from './item-carve.js';
import { scoreFusionFactory } from './score-fusion.js';
import { blendCoefficients, featureCount, stackingFactory, writeFeatures } from './stacking.js';
registerModel(easeFactory);
registerModel(sarFactory);
registerModel(allTimeFactory);
for (const f of itemKnnFactories) registerModel(f);
registerModel(scoreFusionFactory);
registerModel(stackingFactory);

describe('carveByItem', () => {
  it('keeps ⌊keep · n⌋ of each item\'s pairs (rank / n ≤ keep), holds out the rest, and carries times along', () => {
    // Item 0: 4 users → 3 kept (ranks 1/4, 2/4, 3/4 ≤ 0.75), 1 held. Item 1: 1 user → held (1/1 > 0.75).
    // Item 2: 2 users → 1 kept (1/2), 1 held (2/2).
    const pairs: [number, number][] = [[0, 0], [1, 0], [2, 0], [3, 0], [0, 1], [1, 2], [2, 2]];
    const data = tinyDataset(4, 3, pairs, pairs.map((_, k) => 1000 * (k + 1)));
    const c = carveByItem(data, 0.75, createRng(7));
    const kept = c.train.interactions, held = c.held;
    const perItem = (m: typeof held, i: number): number => { let n = 0; for (let u = 0; u < m.rows; u++) if (rowIndices(m, u).includes(i)) n++; return n; };
    expect([0, 1, 2].map((i) => perItem(kept, i))).toEqual([3, 0, 1]);
    expect([0, 1, 2].map((i) => perItem(held, i))).toEqual([1, 1, 1]);
    // Every pair lands on exactly one side.
    for (const [u, i] of pairs) expect(Number(rowIndices(kept, u).includes(i)) + Number(rowIndices(held, u).includes(i))).toBe(1);
    // Kept pairs keep their times.
    for (let u = 0; u < kept.rows; u++) {
      for (let p = kept.indptr[u]!; p < kept.indptr[u + 1]!; p++) {
        const k = pairs.findIndex(([pu, pi]) => pu === u && pi === kept.indices[p]);
        expect(c.train.interactionTimes[p]).toBe(1000 * (k + 1));
      }
    }
    expect(() => carveByItem(data, 1, createRng(1))).toThrow(/keep/);
  });
});

describe('meta-features', () => {
  it('are [z₁ … z_M, z₁·a … z_M·a, a, ln(1 + pop)], by hand', () => {
    const zs = [Float32Array.from([0.5, -1]), Float32Array.from([2, 0.25])];
    const out = new Float64Array(1 + featureCount(2));
    writeFeatures(zs, 1, 2, 3, out, 1);
    expect(Array.from(out)).toEqual([0, -1, 0.25, -2, 0.5, 2, 3]);
    expect(Array.from(blendCoefficients([2, 0.5], featureCount(2)))).toEqual([2, 0.5, 0, 0, 0, 0]);
    // Parts switched off are left out.
    const only = new Float64Array(featureCount(2, { activity: false, popularity: true }));
    writeFeatures(zs, 0, 2, 3, only, 0, { activity: false, popularity: true });
    expect(Array.from(only)).toEqual([0.5, 2, 3]);
    expect(featureCount(2, { activity: true, popularity: false })).toBe(5);
  });
});

/**
 * Planted: 80 items in 4 clusters of 20 and a Zipf popularity over a shuffled item order. Light users take 3 items
 * by popularity; heavy users take 16 items of their cluster, uniformly. Popularity is the right signal for the
 * light, the item neighbourhood for the heavy; `fresh` holds two more draws per user from the same process.
 */
function planted(seed: number): { data: ReturnType<typeof tinyDataset>; fresh: Map<number, Set<number>>; heavy: (u: number) => boolean } {
  const rng = createRng(seed);
  const nItems = 80, nLight = 160, nHeavy = 160;
  const order = rng.shuffle(Array.from({ length: nItems }, (_, i) => i));
  const pop = new Float64Array(nItems);
  order.forEach((item, r) => { pop[item] = 1 / (r + 1); });
  const drawPopular = (taken: Set<number>): number => {
    for (;;) {
      let x = rng.next() * pop.reduce((a, b) => a + b, 0);
      let i = 0;
      while (x > pop[i]! && i < nItems - 1) x -= pop[i++]!;
      if (!taken.has(i)) return i;
    }
  };
  const pairs: [number, number][] = [];
  const fresh = new Map<number, Set<number>>();
  for (let u = 0; u < nLight + nHeavy; u++) {
    const taken = new Set<number>();
    const heavy = u >= nLight;
    const cluster = Array.from({ length: 20 }, (_, k) => 20 * (u % 4) + k);
    const pool = heavy ? rng.shuffle(cluster) : [];
    const draw = (): number => (heavy ? pool.pop()! : drawPopular(taken));
    for (let k = 0; k < (heavy ? 16 : 3); k++) { const i = draw(); taken.add(i); pairs.push([u, i]); }
    const extra = new Set<number>();
    for (let k = 0; k < 2; k++) { const i = draw(); taken.add(i); extra.add(i); }
    fresh.set(u, extra);
  }
  return { data: tinyDataset(nLight + nHeavy, nItems, pairs), fresh, heavy: (u) => u >= nLight };
}

describe('hybrid/stacking', () => {
  const members = [{ id: 'popular/all-time', weight: 1 }, { id: 'item-knn/cosine', params: {}, weight: 1 }];

  it('learns that a member\'s weight depends on the user\'s activity (planted: popularity for light users, a cluster for heavy)', async () => {
    const { data } = planted(3);
    const h = createModel('hybrid/stacking', { members });
    await h.fit(data, { seed: 1 });
    const coef = h.save().tensors.coef!.data as Float32Array;
    // Effective weight of member m at activity a: coef[m] + coef[M + m] · a (M = 2).
    const weight = (m: number, a: number): number => coef[m]! + coef[2 + m]! * a;
    const light = Math.log1p(3 * 0.75), heavy = Math.log1p(16 * 0.75);
    // Popularity's weight falls with activity, the neighbourhood's rises, and for heavy users the neighbourhood
    // leads. (For light users item-kNN carries popularity too, its neighbours being the popular items, so which
    // member leads there is not planted.)
    expect(coef[2]!).toBeLessThan(0);
    expect(coef[3]!).toBeGreaterThan(0);
    expect(weight(1, heavy) - weight(0, heavy)).toBeGreaterThan(weight(1, light) - weight(0, light) + 1);
    expect(weight(1, heavy)).toBeGreaterThan(weight(0, heavy));
  });

  it('ranks fresh draws of the planted process better than the same members blended with fixed weights', async () => {
    const { data, fresh } = planted(5);
    const hits = async (id: string): Promise<number> => {
      const m = createModel(id, { members });
      await m.fit(data, { seed: 2 });
      let n = 0;
      for (const [u, items] of fresh) for (const r of m.recommend(u, { k: 3 })) if (items.has(r.item)) n++;
      return n;
    };
    const stacked = await hits('hybrid/stacking'), fused = await hits('hybrid/score-fusion');
    expect(stacked).toBeGreaterThan(fused * 1.05);
  });

  it('re-ranks only its candidates and keeps the rest below them in blend order; saves and loads to the same lists', async () => {
    const { data } = planted(3);
    const h = createModel('hybrid/stacking', { members, candidates: 5 });
    await h.fit(data, { seed: 1 });
    const f = createModel('hybrid/score-fusion', { members });
    await f.fit(data, { seed: 1 });
    for (const u of [0, 200]) {
      const top5 = new Set(f.recommend(u, { k: 5 }).map((r) => r.item));
      const s = h.recommend(u, { k: 12 });
      expect(new Set(s.slice(0, 5).map((r) => r.item))).toEqual(top5);
      expect(s.slice(5).map((r) => r.item)).toEqual(f.recommend(u, { k: 12 }).slice(5).map((r) => r.item));
    }
    const back = loadModel(h.save());
    expect(back.recommend([0, 200], { k: 10 })).toEqual(h.recommend([0, 200], { k: 10 }));
  });

  it('falls back to the weighted blend when the carve holds nothing to learn from', async () => {
    // Every item has one user: the carve holds every pair out, so no user keeps any history.
    const data = tinyDataset(3, 3, [[0, 0], [1, 1], [2, 2]]);
    const h = createModel('hybrid/stacking', { members: [{ id: 'popular/all-time', weight: 2 }, { id: 'ease', params: { lambda: 1 }, weight: 0.5 }] });
    await h.fit(data);
    expect(Array.from(h.save().tensors.coef!.data as Float32Array)).toEqual([2, 0.5, 0, 0, 0, 0]);
  });

  it('without the activity features it cannot let a member\'s weight follow activity, and ranks the planted fresh draws worse', async () => {
    const { data, fresh } = planted(5);
    const hits = async (activity: boolean): Promise<number> => {
      const m = createModel('hybrid/stacking', { members, activity });
      await m.fit(data, { seed: 2 });
      expect(m.save().tensors.coef!.data.length).toBe(activity ? 6 : 3);
      let n = 0;
      for (const [u, items] of fresh) for (const r of m.recommend(u, { k: 3 })) if (items.has(r.item)) n++;
      return n;
    };
    expect(await hits(true)).toBeGreaterThan(await hits(false));
  });

  it('shrinks the meta-model with a smaller C and learns from at most maxUsers carve users', async () => {
    const { data } = planted(3);
    const coefOf = async (extra: Record<string, unknown>): Promise<number[]> => {
      const m = createModel('hybrid/stacking', { members, ...extra });
      await m.fit(data, { seed: 1 });
      return Array.from(m.save().tensors.coef!.data as Float32Array);
    };
    const norm = (c: number[]): number => Math.hypot(...c);
    const full = await coefOf({});
    expect(norm(await coefOf({ C: 1e-4 }))).toBeLessThan(norm(full) / 10);
    expect(await coefOf({ maxUsers: 20 })).not.toEqual(full);
  });

  it('rejects bad params with the field named', () => {
    expect(() => createModel('hybrid/stacking', { members: [] })).toThrow(/members/);
    expect(() => createModel('hybrid/stacking', { members, keep: 1 })).toThrow(/keep/);
    expect(() => createModel('hybrid/stacking', { members, candidates: 0 })).toThrow(/candidates/);
    expect(() => createModel('hybrid/stacking', { members: [{ id: 'ease', weight: 0 }] })).toThrow(/weight/);
  });
});

runRecommenderContract('hybrid/stacking', { members: [{ id: 'ease', params: { lambda: 1 } }, { id: 'sar', params: {}, weight: 0.5 }] });

import { describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { createRng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { gradCheck, randomProbe } from '../../nn/grad-check.js';
import { randn } from '../../nn/tensor.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerBuiltinModels } from '../builtin.js';
import { blockScores, plantedBlocks } from '../mf/test-fixtures.js';
import { embeddingBag } from './embedding-bag.js';
import { l2Normalize } from './l2-normalize.js';
import { bucketOf, buildTextFeatures } from './text-features.js';
import { logitAdjustment, TwoTowerRecommender } from './two-tower.js';

registerBuiltinModels();

describe('two-tower ops', () => {
  it('embeddingBag is the weighted sum of rows (by hand) and its gradient matches finite differences', () => {
    const rng = createRng(1);
    const w = randn([5, 3], rng, 1, 0, { requiresGrad: true });
    const ids = Int32Array.of(0, 2, -1, 4, 4, 1), weights = Float32Array.of(0.5, 2, 9, 1, -1, 3);
    const out = embeddingBag(w, ids, weights, 2, 3);
    for (let j = 0; j < 3; j++) {
      expect(out.data[j]).toBeCloseTo(0.5 * w.data[j]! + 2 * w.data[6 + j]!, 5);
      expect(out.data[3 + j]).toBeCloseTo(3 * w.data[3 + j]!, 5); // rows 4 and −4 cancel
    }
    const r = gradCheck(() => randomProbe(embeddingBag(w, ids, weights, 2, 3)), [w]);
    expect(r.ok, r.failures.join('\n')).toBe(true);
  });

  it('l2Normalize gives unit rows and its gradient matches finite differences', () => {
    const x = randn([4, 5], createRng(2), 1, 0, { requiresGrad: true });
    const y = l2Normalize(x);
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += y.data[r * 5 + j]! ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
    const res = gradCheck(() => randomProbe(l2Normalize(x)), [x]);
    expect(res.ok, res.failures.join('\n')).toBe(true);
  });

  it('logit adjustment subtracts log Q per column and masks repeats of the row item', () => {
    const logQ = Float32Array.of(Math.log(0.5), Math.log(0.25), Math.log(0.25));
    const adj = logitAdjustment([0, 1, 0], logQ).data;
    expect(adj[0 * 3 + 0]).toBeCloseTo(Math.log(2), 6);
    expect(adj[0 * 3 + 1]).toBeCloseTo(Math.log(4), 6);
    expect(adj[0 * 3 + 2]).toBe(-1e9); // item 0 again: a false negative, masked
    expect(adj[1 * 3 + 0]).toBeCloseTo(Math.log(2), 6);
    expect(adj[2 * 3 + 0]).toBe(-1e9);
    expect(adj[2 * 3 + 2]).toBeCloseTo(Math.log(2), 6);
  });

  it('hashed TF-IDF: smooth idf by hand, L2-normalised rows, tags as #tag terms', () => {
    const f = buildTextFeatures(['red apple', 'red car', ''], [[], ['Fast'], []], 1 << 12, 8);
    const idf = (df: number): number => Math.log(4 / (1 + df)) + 1;
    const row = (i: number): Map<number, number> => new Map(Array.from({ length: 8 }, (_, k) => [f.ids[i * 8 + k]!, f.weights[i * 8 + k]!] as [number, number]).filter(([b]) => b >= 0));
    const a = row(0), norm = Math.hypot(idf(2), idf(1));
    expect(a.get(bucketOf('red', 1 << 12))).toBeCloseTo(idf(2) / norm, 5);
    expect(a.get(bucketOf('apple', 1 << 12))).toBeCloseTo(idf(1) / norm, 5);
    expect(row(1).has(bucketOf('#fast', 1 << 12))).toBe(true);
    expect(row(2).size).toBe(0);
  });
});

/** Planted blocks with texts: items of group g say "topic{g} …", each item authored by a user of its group. */
function textBlocks() {
  const fx = plantedBlocks(createRng(5), { users: 160, items: 40, groups: 4, pIn: 0.4, pOut: 0.02 });
  const words = ['orbit rocket nebula', 'violin sonata tempo', 'striker goal league', 'basil garlic oven'];
  const texts = Array.from({ length: 41 }, (_, i) => (i < 40 ? `${words[fx.itemGroup(i)]} item${i}` : words[1]!));
  const authors = Int32Array.from({ length: 41 }, (_, i) => (i < 40 ? fx.itemGroup(i) : 1));
  const t = fx.train.interactions, user: number[] = [], item: number[] = [];
  for (let u = 0; u < t.rows; u++) for (let p = t.indptr[u]!; p < t.indptr[u + 1]!; p++) { user.push(u); item.push(t.indices[p]!); }
  const base = { ...fx.train, itemTexts: texts, itemTags: texts.map(() => []), itemAuthors: authors, itemCreatedAt: new Float64Array(41).fill(NaN) };
  // Item 40 exists in the catalogue but nobody interacted with it: cold, same words as group 1.
  const items = fx.train.items;
  const data = datasetFromInteractions({ users: fx.train.users, items: IdMap.from([...Array.from({ length: 40 }, (_, i) => items.id(i)), 'cold']), user, item, base });
  return { fx, data };
}

describe('neural/two-tower', () => {
  const small = { embeddingDim: 16, hidden: 32, outputDim: 16, epochs: 30, batchSize: 64, learningRate: 0.01, temperature: 0.2, validationFraction: 0, textBuckets: 1024, idDropout: 0.2 };

  it('learns planted blocks; exact and index retrieval agree; a cold item is placed by its text', async () => {
    const { fx, data } = textBlocks();
    const m = new TwoTowerRecommender(small);
    await m.fit(data, { seed: 3 });
    const s = blockScores(m, fx);
    // In-batch softmax fits each user's off-block noise too (pOut); well above chance (0.25) all the same.
    expect(s.precision).toBeGreaterThan(0.6);
    expect(s.heldOutHit).toBeGreaterThan(0.6);
    let agree = 0;
    for (let u = 0; u < 40; u++) {
      const exact = new Set(m.retrieve(u, 10, true).map((r) => r.item));
      agree += m.retrieve(u, 10).filter((r) => exact.has(r.item)).length;
    }
    expect(agree / 400).toBeGreaterThan(0.9);
    // A new post with the text and author of group 1's items lands among group 1's items.
    const fresh = m.embedItem('violin sonata tempo', [], 1);
    const cos = (a: Float32Array, b: Float32Array): number => a.reduce((acc, x, j) => acc + x * b[j]!, 0);
    const same = Array.from({ length: 40 }, (_, i) => i).filter((i) => fx.itemGroup(i) === 1).map((i) => cos(fresh, m.itemVector(i)));
    const other = Array.from({ length: 40 }, (_, i) => i).filter((i) => fx.itemGroup(i) !== 1).map((i) => cos(fresh, m.itemVector(i)));
    const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(avg(same) - avg(other)).toBeGreaterThan(0.3);
    const nearest = Array.from({ length: 40 }, (_, i) => i).sort((a, b) => cos(fresh, m.itemVector(b)) - cos(fresh, m.itemVector(a))).slice(0, 10);
    expect(nearest.filter((i) => fx.itemGroup(i) === 1).length).toBeGreaterThanOrEqual(8);
    // The cold catalogue item (no interactions) is served from its text alone, close to group 1 too.
    expect(cos(m.itemVector(40), fresh)).toBeGreaterThan(0.99);
  });
});

runRecommenderContract('neural/two-tower', { embeddingDim: 8, hidden: 16, outputDim: 8, epochs: 40, batchSize: 16, learningRate: 0.02, temperature: 1, logQ: false, validationFraction: 0, textBuckets: 64, idDropout: 0 });

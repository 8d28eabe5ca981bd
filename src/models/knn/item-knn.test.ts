import { describe, expect, it } from 'vitest';
import { csrFromDense } from '../../math/csr.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { IdMap } from '../../core/id-map.js';
import { expectCode, runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { ItemKnnRecommender, itemKnnFactories } from './item-knn.js';
import { runForgetContract } from '../contract/forget-contract.js';

for (const f of itemKnnFactories) registerModel(f);

runRecommenderContract('item-knn/cosine');
// 5 neighbours: every same-group item still reaches the held-out one (a group has 6 items).
runRecommenderContract('item-knn/cosine', { neighbours: 5, shrink: 5 });
runRecommenderContract('item-knn/asymmetric-cosine', { alpha: 0.8 });
runRecommenderContract('item-knn/jaccard');
runRecommenderContract('item-knn/bm25');

// The 4×4 example of similarity.test.ts as a dataset.
function fourByFour() {
  const x = csrFromDense(4, 4, [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1]);
  const user: number[] = [], item: number[] = [];
  for (let u = 0; u < 4; u++) for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) { user.push(u); item.push(x.indices[k]!); }
  return datasetFromInteractions({ users: IdMap.from(['u0', 'u1', 'u2', 'u3']), items: IdMap.from(['i0', 'i1', 'i2', 'i3']), user, item });
}

describe('item-knn/cosine scores by hand', () => {
  it('score(u, i) = Σ_{j ∈ history} x_uj · S[j, i]', async () => {
    const m = new ItemKnnRecommender('item-knn/cosine', { shrink: 1 });
    await m.fit(fourByFour());
    const r6 = (Math.sqrt(6) - 1) / 5;
    // u1 saw i0 and i2: score(i1) = S[0,1] + S[2,1] = 0.5 + r6; score(i3) = S[0,3] + S[2,3] = r6 + 1/3.
    const recs = m.recommend(1, { k: 4 });
    expect(recs.map((r) => r.item)).toEqual([1, 3]);
    expect(recs[0]!.score).toBeCloseTo(0.5 + r6, 6);
    expect(recs[1]!.score).toBeCloseTo(r6 + 1 / 3, 6);
    // Explanation: i1's best contributor in u1's history is i0 (0.5 > r6).
    expect(m.because(1, 1)).toEqual({ item: 0, contribution: expect.closeTo(0.5, 6) as number });
    // similarItems: i1's neighbours are i3 (2·r6) and i0 (0.5), then i2 (r6).
    expect(m.similarItems(1, 2).map((r) => r.item)).toEqual([3, 0]);
  });

  it('becauseMany answers what because answers, item by item (history added online included)', async () => {
    const m = new ItemKnnRecommender('item-knn/cosine', { shrink: 1 });
    await m.fit(fourByFour());
    m.partialFit(3, [2], [0.5]);
    for (let u = 0; u < 4; u++) {
      const items = [0, 1, 2, 3, 1, -1, 9];
      expect(m.becauseMany(u, items)).toEqual(items.map((i) => m.because(u, i)));
    }
  });

  it('partialFit changes recommendations at once', async () => {
    const m = new ItemKnnRecommender('item-knn/cosine', { shrink: 1 });
    await m.fit(fourByFour());
    m.partialFit(1, [1], [2]);
    // i1 is now seen; i3 gains 2 · S[1,3] = 4·r6.
    const r6 = (Math.sqrt(6) - 1) / 5;
    const recs = m.recommend(1, { k: 4 });
    expect(recs.map((r) => r.item)).toEqual([3]);
    expect(recs[0]!.score).toBeCloseTo(r6 + 1 / 3 + 4 * r6, 5);
    // A brand-new user gets recommendations from their first interaction.
    m.partialFit(6, [2]);
    expect(m.recommend(6, { k: 2 }).map((r) => r.item)).toEqual([3, 0]);
  });

  it('rejects bad parameters and items', async () => {
    await expectCode(() => new ItemKnnRecommender('item-knn/cosine', { neighbours: 0 }), 'INVALID_INPUT');
    await expectCode(() => new ItemKnnRecommender('item-knn/cosine', { alpha: 0.3 }), 'INVALID_INPUT');
    await expectCode(() => new ItemKnnRecommender('item-knn/nope'), 'MODEL_UNKNOWN');
    const m = new ItemKnnRecommender('item-knn/jaccard');
    await m.fit(fourByFour());
    await expectCode(() => m.similarItems(9, 2), 'INVALID_INPUT');
  });
});

describe('item-knn forget', () => {
  runForgetContract('item-knn/cosine');
  runForgetContract('item-knn/cosine', { neighbours: 4, shrink: 2 });
  runForgetContract('item-knn/asymmetric-cosine', { neighbours: 6, alpha: 0.8 });
  runForgetContract('item-knn/jaccard', { neighbours: 5 });
  runForgetContract('item-knn/bm25', { neighbours: 5 });
});

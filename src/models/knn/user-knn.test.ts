import { describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { UserKnnRecommender, userKnnFactory } from './user-knn.js';
import { runForgetContract } from '../contract/forget-contract.js';

registerModel(userKnnFactory);
runRecommenderContract('user-knn/cosine', {}, { similarItems: false });
runRecommenderContract('user-knn/cosine', { neighbours: 2, shrink: 3 }, { similarItems: false });

describe('user-knn/cosine scores by hand', () => {
  it('score(u, i) = Σ_v S[u, v] · x_vi', async () => {
    // u0: {i0, i1}; u1: {i0, i2}; u2: {i1, i3}.  ‖u‖² = 2 each; u0·u1 = 1, u0·u2 = 1, u1·u2 = 0.
    const data = datasetFromInteractions({
      users: IdMap.from(['u0', 'u1', 'u2']),
      items: IdMap.from(['i0', 'i1', 'i2', 'i3']),
      user: [0, 0, 1, 1, 2, 2],
      item: [0, 1, 0, 2, 1, 3],
      weight: [1, 1, 1, 1, 1, 3],
    });
    // With weights: ‖u2‖² = 1 + 9 = 10, u0·u2 = 1 → S[u0,u2] = 1/√20; S[u0,u1] = 1/2 (λ = 0).
    const m = new UserKnnRecommender();
    await m.fit(data);
    const recs = m.recommend(0, { k: 4 });
    expect(recs.map((r) => r.item)).toEqual([3, 2]);
    expect(recs[0]!.score).toBeCloseTo(3 / Math.sqrt(20), 6);
    expect(recs[1]!.score).toBeCloseTo(0.5, 6);
  });
});

describe('user-knn forget', () => {
  runForgetContract('user-knn/cosine');
  runForgetContract('user-knn/cosine', { neighbours: 3, shrink: 1 });
});

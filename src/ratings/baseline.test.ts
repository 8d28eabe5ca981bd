import { describe, expect, it } from 'vitest';
import { BaselineModel, fitBiases } from './baseline.js';
import type { RatingSet } from './rating-data.js';
import { plantedRatings } from './test-fixtures.js';
import { predictAll } from './rating-model.js';
import { rmse } from '../eval/metrics/rating-metrics.js';

/** 3 users × 3 items, 6 ratings, μ = 3. */
const small: RatingSet = {
  nUsers: 3,
  nItems: 3,
  user: Int32Array.of(0, 0, 1, 1, 2, 2),
  item: Int32Array.of(0, 1, 0, 2, 1, 2),
  value: Float64Array.of(5, 3, 4, 1, 2, 3),
};

describe('rating/baseline', () => {
  it('one ALS epoch gives the hand-computed biases', () => {
    // Items first (b_u = 0): b_0 = (2 + 1)/(1 + 2) = 1, b_1 = (0 − 1)/3 = −1/3, b_2 = (−2 + 0)/3 = −2/3.
    // Then users: b_u0 = ((5−3−1) + (3−3+1/3))/3 = 4/9, b_u1 = ((4−3−1) + (1−3+2/3))/3 = −4/9, b_u2 = ((2−3+1/3) + (3−3+2/3))/3 = 0.
    const b = fitBiases(small, { epochs: 1, regUser: 1, regItem: 1 });
    expect(b.mu).toBe(3);
    expect([...b.item]).toEqual([1, -1 / 3, -2 / 3].map((x) => expect.closeTo(x, 12)));
    expect([...b.user]).toEqual([4 / 9, -4 / 9, 0].map((x) => expect.closeTo(x, 12)));
    const model = new BaselineModel({ epochs: 1, regUser: 1, regItem: 1 });
    model.fit(small, { seed: 1 });
    expect(model.predict(0, 2)).toBeCloseTo(3 + 4 / 9 - 2 / 3, 12);
  });

  it('with no regularisation converges to biases that explain additive ratings exactly', () => {
    const { train, test } = plantedRatings({ rank: 0, density: 0.7 });
    const model = new BaselineModel({ epochs: 200, regUser: 0, regItem: 0 });
    model.fit(train, { seed: 1 });
    expect(rmse(test.value, predictAll(model, test.user, test.item))).toBeLessThan(1e-3);
  });

  it('predicts μ plus the known bias for an unseen user or item and refuses to predict before fit', () => {
    const model = new BaselineModel({ epochs: 1, regUser: 1, regItem: 1 });
    expect(() => model.predict(0, 0)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FITTED' }));
    model.fit(small, { seed: 1 });
    expect(model.predict(7, 0)).toBeCloseTo(4, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { rmse } from '../eval/metrics/rating-metrics.js';
import { BaselineModel } from './baseline.js';
import { predictAll, type RatingModel } from './rating-model.js';
import { createRatingModel } from './rating-models.js';
import { svdStep, type FactorState } from './svd.js';
import { plantedRatings } from './test-fixtures.js';

function testRmse(model: RatingModel, data: ReturnType<typeof plantedRatings>): number {
  model.fit(data.train, { seed: 3 });
  return rmse(data.test.value, predictAll(model, data.test.user, data.test.item));
}

describe('rating/svd', () => {
  it('one SGD step is −γ times the gradient of ½e² + ½λ(b_u² + b_i² + ‖p_u‖² + ‖q_i‖²) (central differences)', () => {
    const F = 3, lr = 1e-2, reg = 0.1, r = 4.2;
    const base = (): FactorState => ({
      mu: 3, bu: Float64Array.of(0.2), bi: Float64Array.of(-0.1), p: Float64Array.of(0.3, -0.5, 0.8), q: Float64Array.of(0.7, 0.1, -0.4),
      known: { user: Int32Array.of(1), item: Int32Array.of(1) },
    });
    const loss = (s: FactorState): number => {
      let dot = 0;
      for (let f = 0; f < F; f++) dot += s.p[f]! * s.q[f]!;
      const e = r - (s.mu + s.bu[0]! + s.bi[0]! + dot);
      let norm = s.bu[0]! ** 2 + s.bi[0]! ** 2;
      for (let f = 0; f < F; f++) norm += s.p[f]! ** 2 + s.q[f]! ** 2;
      return 0.5 * e * e + 0.5 * reg * norm;
    };
    const stepped = base();
    svdStep(stepped, F, lr, reg, 0, 0, r);
    const h = 1e-6;
    for (const key of ['bu', 'bi', 'p', 'q'] as const) {
      for (let j = 0; j < base()[key].length; j++) {
        const plus = base(), minus = base();
        plus[key][j]! += h;
        minus[key][j]! -= h;
        const grad = (loss(plus) - loss(minus)) / (2 * h);
        expect(stepped[key][j]! - base()[key][j]!).toBeCloseTo(-lr * grad, 9);
      }
    }
  });

  it('recovers planted rank-2 ratings on held-out cells far better than the biases alone', () => {
    const data = plantedRatings({ density: 0.6 });
    const bias = testRmse(new BaselineModel({ epochs: 10, regUser: 0, regItem: 0 }), data);
    const svd = testRmse(createRatingModel('rating/svd', { factors: 4, epochs: 300, lr: 0.01, reg: 0.01 }), data);
    expect(bias).toBeGreaterThan(0.3);
    expect(svd).toBeLessThan(0.1);
  });
});

describe('rating/svdpp', () => {
  it('recovers planted rank-2 ratings on held-out cells', () => {
    const data = plantedRatings({ density: 0.6, seed: 2 });
    expect(testRmse(createRatingModel('rating/svdpp', { factors: 4, epochs: 300, lr: 0.01, reg: 0.01 }), data)).toBeLessThan(0.1);
  });

  it('is deterministic for a seed and predicts μ + b_i for a user it never saw', () => {
    const data = plantedRatings({ density: 0.6, seed: 2 });
    const a = createRatingModel('rating/svdpp', { epochs: 3 }), b = createRatingModel('rating/svdpp', { epochs: 3 });
    a.fit(data.train, { seed: 9 });
    b.fit(data.train, { seed: 9 });
    expect(predictAll(a, data.test.user, data.test.item)).toEqual(predictAll(b, data.test.user, data.test.item));
    const wider = { ...data.train, nUsers: data.train.nUsers + 1 };
    a.fit(wider, { seed: 9 });
    const mu = data.train.value.reduce((s, v) => s + v, 0) / data.train.value.length;
    // The cold user's prediction differs between items by their biases only, and averages near μ.
    const cold = Array.from({ length: data.train.nItems }, (_, i) => a.predict(data.train.nUsers, i));
    expect(cold.reduce((s, v) => s + v, 0) / cold.length).toBeCloseTo(mu, 0);
  });
});

describe('rating/autorec', () => {
  it('reconstructs planted low-rank ratings of held-out cells better than the biases', () => {
    const data = plantedRatings({ users: 60, items: 80, density: 0.6, seed: 4 });
    const bias = testRmse(new BaselineModel({ epochs: 10, regUser: 0, regItem: 0 }), data);
    const autorec = testRmse(createRatingModel('rating/autorec', { hidden: 16, epochs: 300, lr: 1e-2, lambda: 0.01, batch: 16 }), data);
    expect(autorec).toBeLessThan(0.6 * bias);
  });
});

describe('rating/blend', () => {
  it('weights its members on a held-out part of the training ratings and beats the weaker member', () => {
    const data = plantedRatings({ density: 0.6, noise: 0.1, seed: 5 });
    const members = [{ id: 'rating/baseline' }, { id: 'rating/svd', params: { factors: 4, epochs: 200, lr: 0.01, reg: 0.01 } }];
    const blend = createRatingModel('rating/blend', { members });
    const e = testRmse(blend, data);
    const svd = testRmse(createRatingModel(members[1]!.id, members[1]!.params), data);
    const base = testRmse(createRatingModel('rating/baseline'), data);
    expect(e).toBeLessThan(base);
    expect(e).toBeLessThan(svd * 1.05);
  });

  it('refuses a blend inside a blend and unknown members', () => {
    expect(() => createRatingModel('rating/blend', { members: [{ id: 'rating/blend' }] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => createRatingModel('rating/nope')).toThrow(expect.objectContaining({ code: 'MODEL_UNKNOWN' }));
    expect(() => createRatingModel('rating/svd', { factors: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('rating/knn-baseline', () => {
  it('predicts from the residuals of similar items: two item groups with opposite user tastes', () => {
    // Items 0–9 and 10–19; users of taste +1 rate group A 4.5 and group B 1.5, users of taste −1 the reverse. The
    // biases alone cannot tell the groups apart (every item averages 3); the neighbours can.
    const user: number[] = [], item: number[] = [], value: number[] = [];
    for (let u = 0; u < 40; u++) {
      for (let i = 0; i < 20; i++) {
        if ((u * 7 + i * 3) % 5 === 0) continue; // every fifth cell unrated
        const taste = u % 2 === 0 ? 1 : -1, group = i < 10 ? 1 : -1;
        user.push(u); item.push(i); value.push(3 + 1.5 * taste * group);
      }
    }
    const train = { nUsers: 40, nItems: 20, user: Int32Array.from(user), item: Int32Array.from(item), value: Float64Array.from(value) };
    const model = createRatingModel('rating/knn-baseline', { shrinkage: 0 });
    model.fit(train, { seed: 1 });
    // (u0, item 0) and (u5, item 0) are unrated cells: taste +1 on group A, taste −1 on group A.
    expect(model.predict(0, 0)).toBeCloseTo(4.5, 1);
    expect(model.predict(5, 0)).toBeCloseTo(1.5, 1);
  });
});

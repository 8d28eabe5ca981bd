import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import type { Event } from '../../data/schemas.js';
import { RATING_MODEL_IDS } from '../../ratings/rating-models.js';
import { ratingModelSpecs, runRatingEvaluation } from './run-rating-evaluation.js';

/** 20 users × 15 items, rating = 3 + user bias + item bias on 1–5, 240 of the 300 cells. */
function additiveRatings(): Event[] {
  const events: Event[] = [];
  for (let u = 0; u < 20; u++) {
    for (let i = 0; i < 15; i++) {
      if ((u + 2 * i) % 5 === 0) continue;
      events.push({ id: `r${u}-${i}`, user: `u${u}`, type: 'rating', post: `p${i}`, value: 3 + ((u % 5) - 2) * 0.5 + ((i % 3) - 1) * 0.5, timestamp: 1000 + u * 100 + i });
    }
  }
  return events;
}

describe('runRatingEvaluation', () => {
  const data = buildDataset({ events: additiveRatings() });

  it('scores every model on each of k folds with RMSE, MAE and MSE; the biases recover additive ratings', async () => {
    const result = await runRatingEvaluation({ data, models: ['rating/baseline', { id: 'rating/baseline', params: { regUser: 0, regItem: 0, epochs: 50 }, label: 'unregularised' }, { id: 'rating/svd', params: { epochs: 3 }, label: 'svd-3' }], folds: 3, seed: 7 });
    expect(result.task).toBe('rating');
    expect(result.protocol).toMatchObject({ name: 'rating-kfold', folds: 3, seed: 7, part: 'test', scale: 'training range' });
    expect(result.data).toMatchObject({ users: 20, items: 15, ratings: 240 });
    expect(result.evaluatedRatings).toBe(80);
    expect(result.models.map((m) => m.label ?? m.id)).toEqual(['rating/baseline', 'unregularised', 'svd-3']);
    for (const m of result.models) {
      expect(m.folds).toHaveLength(3);
      for (const f of m.folds) expect(f.mse).toBeCloseTo(f.rmse ** 2, 12);
      expect(m.metrics.rmse).toBeCloseTo(m.folds.reduce((s, f) => s + f.rmse, 0) / 3, 12);
      expect(m.metrics.mae).toBeLessThanOrEqual(m.metrics.rmse);
    }
    expect(result.models[0]!.params).toEqual({ epochs: 10, regUser: 15, regItem: 10 });
    // Unregularised biases explain additive ratings on the held-out cells.
    expect(result.models[1]!.metrics.rmse).toBeLessThan(0.02);
  });

  it('is deterministic for a seed and scores an inner fold of the training part with part: validation', async () => {
    const a = await runRatingEvaluation({ data, models: ['rating/baseline'], folds: 4, seed: 3 });
    const b = await runRatingEvaluation({ data, models: ['rating/baseline'], folds: 4, seed: 3 });
    expect(a.models[0]!.folds.map((f) => f.rmse)).toEqual(b.models[0]!.folds.map((f) => f.rmse));
    const v = await runRatingEvaluation({ data, models: ['rating/baseline'], folds: 4, seed: 3, part: 'validation' });
    expect(v.evaluatedRatings).toBe(45); // a quarter of the 180 training ratings of each fold
  });

  it('expands all, and refuses unknown models, data without ratings and ratings outside a configured scale', async () => {
    expect(ratingModelSpecs('all').map((s) => s.id)).toEqual(RATING_MODEL_IDS);
    await expect(runRatingEvaluation({ data, models: ['rating/nope'] })).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' });
    const likes = buildDataset({ events: [{ id: 'l', user: 'a', type: 'like', post: 'p', timestamp: 1 }] });
    await expect(runRatingEvaluation({ data: likes, models: 'all' })).rejects.toMatchObject({ code: 'DATASET_EMPTY' });
    await expect(runRatingEvaluation({ data, models: ['rating/baseline'], scale: [0.5, 4] })).rejects.toMatchObject({ code: 'RATING_OUT_OF_SCALE' });
  });
});

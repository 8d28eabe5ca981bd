import { describe, expect, it } from 'vitest';
import { csrGet } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { sarAffinity, SarRecommender } from './sar.js';
import { sarFactory } from './sar.js';
import { runForgetContract } from '../contract/forget-contract.js';
registerModel(sarFactory);

const DAY = 86_400_000;

describe('sar', () => {
  // u0: {0,1}, u1: {0,1,2}, u2: {2}. Item frequencies d = [2, 2, 2]; co-occurrences C01 = 2, C02 = 1, C12 = 1.
  const pairs: [number, number, number][] = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1], [1, 2, 1], [2, 2, 1]];
  const data = tinyDataset(3, 3, pairs, [0, 1, 2, 3, 4, 5].map((d) => d * DAY));

  it('computes jaccard, lift, cosine, inclusion and co-occurrence by hand', async () => {
    const expected: Record<string, [number, number, number]> = {
      // [S01, S02, S00]
      jaccard: [2 / (2 + 2 - 2), 1 / (2 + 2 - 1), 1],
      lift: [2 / 4, 1 / 4, 2 / 4],
      cosine: [1, 0.5, 1],
      inclusion: [1, 0.5, 1],
      cooccurrence: [2, 1, 2],
    };
    for (const [similarity, [s01, s02, s00]] of Object.entries(expected)) {
      const m = new SarRecommender({ similarity, timeDecay: false });
      await m.fit(data);
      const s = m.similarityMatrix();
      expect(csrGet(s, 0, 1)).toBeCloseTo(s01, 6);
      expect(csrGet(s, 1, 0)).toBeCloseTo(s01, 6);
      expect(csrGet(s, 0, 2)).toBeCloseTo(s02, 6);
      expect(csrGet(s, 0, 0)).toBeCloseTo(s00, 6);
    }
    const t = new SarRecommender({ similarity: 'cooccurrence', threshold: 2, timeDecay: false });
    await t.fit(data);
    expect(csrGet(t.similarityMatrix(), 0, 2)).toBe(0);
  });

  it('decays affinity by half every half-life, relative to the latest event', () => {
    // Latest event is day 5; u0's events are on days 0 and 1 → weights 2^(−5/2) and 2^(−4/2) with T½ = 2 days.
    const a = sarAffinity(data, { timeDecay: true, halfLifeDays: 2 });
    expect(csrGet(a, 0, 0)).toBeCloseTo(Math.pow(0.5, 5 / 2), 6);
    expect(csrGet(a, 0, 1)).toBeCloseTo(0.25, 6);
    expect(csrGet(a, 2, 2)).toBeCloseTo(1, 6);
    expect(csrGet(sarAffinity(data, { timeDecay: false, halfLifeDays: 2 }), 0, 0)).toBe(1);
  });

  it('scores a_u · S: u0 is recommended item 2 with jaccard score a00·S02 + a01·S12', async () => {
    const m = createModel('sar', { halfLifeDays: 2 });
    await m.fit(data);
    const [r] = m.recommend(0, { k: 3 });
    expect(r!.item).toBe(2);
    expect(r!.score).toBeCloseTo(Math.pow(0.5, 5 / 2) / 3 + 0.25 / 3, 5);
  });
});

runRecommenderContract('sar', {});
runRecommenderContract('sar', { similarity: 'cosine', timeDecay: false });

describe('sar forget', () => {
  runForgetContract('sar');
  runForgetContract('sar', { similarity: 'lift', timeDecay: false, threshold: 2 });
  runForgetContract('sar', { similarity: 'cosine' });
});

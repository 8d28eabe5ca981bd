import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { smoothedShares, timeWindowFactory } from './time-window.js';
registerModel(timeWindowFactory);

const DAY = 86_400_000;

describe('smoothedShares', () => {
  it('is each item\'s share of the (kernel-weighted) activity per bin, shrunk toward the all-time share', () => {
    // Bin 0: items 0, 0, 1; bin 1: item 2; bin 2: items 1, 2.
    const bin = Int32Array.from([0, 0, 0, 1, 2, 2]), item = Int32Array.from([0, 0, 1, 2, 1, 2]);
    const raw = smoothedShares(bin, item, 3, 3, 0);
    expect(Array.from(raw)).toEqual([2 / 3, 1 / 3, 0, 0, 0, 1, 0, 0.5, 0.5].map((v) => expect.closeTo(v, 6)));
    // σ = 1 bin: bin 1 sees bins 0 and 2 with weight e^{-1/2}.
    const k = Math.exp(-0.5);
    const smooth = smoothedShares(bin, item, 3, 3, 1);
    const total1 = 3 * k + 1 + 2 * k;
    expect(smooth[3]).toBeCloseTo((2 * k) / total1, 6);
    expect(smooth[4]).toBeCloseTo((k + k) / total1, 6);
    expect(smooth[5]).toBeCloseTo((1 + k) / total1, 6);
    // Prior α = 6 pseudo-interactions at the all-time shares g = (2/6, 2/6, 2/6) in bin 1: (0 + 6·g) / (1 + 6).
    const shrunk = smoothedShares(bin, item, 3, 3, 0, 6);
    expect(shrunk[3]).toBeCloseTo(2 / 7, 6);
    expect(shrunk[5]).toBeCloseTo(3 / 7, 6);
  });
});

describe('popular/time-window', () => {
  // Items 0–2 are the hits of January, items 3–5 of June. Users 0–9 were active in January, 10–19 in June;
  // each saw one hit of their month. User 20 was active in both months; user 21 has no history.
  const jan = 0, jun = 150 * DAY;
  const pairs: [number, number][] = [], times: number[] = [];
  for (let u = 0; u < 20; u++) {
    const early = u < 10;
    for (let i = 0; i < 3; i++) {
      if (i === u % 3) continue; // leaves one hit of their month unseen
      pairs.push([u, early ? i : 3 + i]);
      times.push((early ? jan : jun) + u * 3_600_000);
    }
  }
  pairs.push([20, 0], [20, 3]);
  times.push(jan, jun);
  const data = tinyDataset(22, 6, pairs, times);

  it('recommends what was popular when the user was active', async () => {
    const m = createModel('popular/time-window', { bandwidthDays: 3, output: 'share' });
    await m.fit(data);
    for (let u = 0; u < 20; u++) {
      const top = m.recommend(u, { k: 1 })[0]!.item;
      expect(u < 10 ? top < 3 : top >= 3, `user ${u}`).toBe(true);
    }
  });

  it('log-lift scores items by how much more popular they were then than overall', async () => {
    const m = createModel('popular/time-window', { bandwidthDays: 3, prior: 0, output: 'log-lift' });
    await m.fit(data);
    const all = m.recommend(0, { k: 6, excludeSeen: false });
    // In January every interaction is on items 0–2: lift = share / g = (1/3) / (1/6) = 2 for each, 0 for June's.
    for (const r of all.filter((x) => x.item < 3)) expect(r.score).toBeCloseTo(Math.log(2), 4);
    expect(all.filter((x) => x.item >= 3)).toHaveLength(0);
  });

  it('gives a user without history what is popular in the latest bin', async () => {
    const m = createModel('popular/time-window', { bandwidthDays: 3, output: 'share' });
    await m.fit(data);
    expect(m.recommend(21, { k: 3 }).map((r) => r.item).sort()).toEqual([3, 4, 5]);
    expect(m.recommend(99, { k: 3 }).map((r) => r.item).sort()).toEqual([3, 4, 5]);
  });
});

runRecommenderContract('popular/time-window', {}, { personalized: false, similarItems: false });
runRecommenderContract('popular/time-window', { output: 'log-lift' }, { personalized: false, similarItems: false });
runRecommenderContract('popular/time-window', { binDays: 0.01, bandwidthDays: 0, output: 'share' }, { personalized: false, similarItems: false });

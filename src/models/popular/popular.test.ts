import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import type { Event } from '../../data/schemas.js';
import { expectCode, runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { allTimeFactory, PopularRecommender, trendingFactory } from './popular.js';
import { runForgetContract } from '../contract/forget-contract.js';

registerModel(trendingFactory);
registerModel(allTimeFactory);

runRecommenderContract('popular/trending', {}, { personalized: false, similarItems: false });
runRecommenderContract('popular/all-time', {}, { personalized: false, similarItems: false });

const H = 3_600_000;
const NOW = Date.UTC(2025, 5, 1);
// Item a: like now, share 24 h ago. Item b: like 48 h ago, comment 12 h ago. Item c: view 72 h ago.
const events: Event[] = [
  { id: '1', user: 'u1', type: 'like', post: 'a', timestamp: NOW },
  { id: '2', user: 'u2', type: 'share', post: 'a', timestamp: NOW - 24 * H },
  { id: '3', user: 'u1', type: 'like', post: 'b', timestamp: NOW - 48 * H },
  { id: '4', user: 'u3', type: 'comment', post: 'b', timestamp: NOW - 12 * H },
  { id: '5', user: 'u3', type: 'view', post: 'c', timestamp: NOW - 72 * H },
];
const data = buildDataset({ events });
const ix = (id: string): number => data.items.index(id);

describe('popularity scores computed by hand', () => {
  it('decays each event by 2^(−age / half-life) with now = the latest event', async () => {
    const m = new PopularRecommender('popular/trending');
    await m.fit(data);
    const s = m.itemScores();
    // a: 1·2^0 + 2·2^(−1) = 2; b: 1·2^(−2) + 1.5·2^(−1/2); c: 0.2·2^(−3)
    expect(s[ix('a')]).toBeCloseTo(2, 12);
    expect(s[ix('b')]).toBeCloseTo(0.25 + 1.5 / Math.SQRT2, 12);
    expect(s[ix('c')]).toBeCloseTo(0.2 / 8, 7);
    const m12 = new PopularRecommender('popular/trending', { halfLifeHours: 12 });
    await m12.fit(data);
    const s12 = m12.itemScores();
    expect(s12[ix('a')]).toBeCloseTo(1 + 2 * 0.25, 12);
    expect(s12[ix('b')]).toBeCloseTo(1 / 16 + 1.5 * 0.5, 12);
  });

  it('all-time sums the weights without decay', async () => {
    const m = new PopularRecommender('popular/all-time');
    await m.fit(data);
    const s = m.itemScores();
    expect(s[ix('a')]).toBeCloseTo(3, 12);
    expect(s[ix('b')]).toBeCloseTo(2.5, 12);
    expect(s[ix('c')]).toBeCloseTo(0.2, 7);
  });

  it('ranks by decayed popularity, drops seen items and serves unknown users the full list', async () => {
    const m = new PopularRecommender('popular/trending');
    await m.fit(data);
    const u1 = data.users.index('u1');
    expect(m.recommend(u1, { k: 3 }).map((r) => data.items.id(r.item))).toEqual(['c']);
    expect(m.recommend(data.users.size + 4, { k: 3 }).map((r) => data.items.id(r.item))).toEqual(['a', 'b', 'c']);
  });

  it('rejects a non-positive half-life', async () => {
    await expectCode(() => new PopularRecommender('popular/trending', { halfLifeHours: 0 }), 'INVALID_INPUT');
    await expectCode(() => new PopularRecommender('popular/all-time', { halfLifeHours: 3 }), 'INVALID_INPUT');
  });
});

describe('popularity forget', () => {
  runForgetContract('popular/trending', { halfLifeHours: 12 });
  runForgetContract('popular/all-time');
});

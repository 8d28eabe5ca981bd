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

describe('burst resistance (planted bot ring)', () => {
  // 60 organic accounts active for a month; in the last 6 hours each likes organic post "news" with probability 0.5
  // and "recipe" with probability 0.3. A ring of 40 accounts first seen 2 hours ago likes, shares and comments on
  // "spam" and on each other's posts, 5 times over. One old account engages with "pet" 100 times.
  const ringEvents: Event[] = [];
  let n = 0;
  const add = (user: string, type: Event['type'], post: string, timestamp: number): void => {
    ringEvents.push({ id: `b${n++}`, user, type, post, timestamp });
  };
  for (let u = 0; u < 60; u++) {
    add(`org${u}`, 'view', 'old', NOW - (30 * 24 - u) * H);
    if (u % 2 === 0) add(`org${u}`, 'like', 'news', NOW - (u % 6) * H);
    if (u % 10 < 3) add(`org${u}`, 'like', 'recipe', NOW - (u % 5) * H);
  }
  for (let b = 0; b < 40; b++) {
    for (let r = 0; r < 5; r++) {
      const t = NOW - 2 * H + (b * 5 + r) * 60_000;
      add(`bot${b}`, 'like', 'spam', t);
      add(`bot${b}`, 'share', 'spam', t + 1);
      add(`bot${b}`, 'comment', 'spam', t + 2);
      add(`bot${b}`, 'share', `spam${(b + 1) % 40}`, t + 3);
    }
  }
  for (let r = 0; r < 100; r++) add('org1', 'share', 'pet', NOW - r * 60_000);
  const ring = buildDataset({ events: ringEvents });
  const top = async (params: Record<string, unknown>): Promise<string[]> => {
    const m = new PopularRecommender('popular/trending', params);
    await m.fit(ring);
    return m.recommend(ring.users.size + 1, { k: 3 }).map((r) => ring.items.id(r.item));
  };

  it('without the guard, the ring and the one loud account own trending', async () => {
    const plain = await top({});
    expect(plain[0]).toBe('spam');
    expect(plain).toContain('pet');
  });

  it('with per-account caps and account-age weighting, the organic posts trend and the ring does not', async () => {
    const guarded = await top({ maxPerAccount: 5, newAccountHours: 72 });
    expect(guarded.slice(0, 2)).toEqual(['news', 'recipe']);
    expect(guarded.some((id) => id.startsWith('spam'))).toBe(false);
  });

  it('caps one account\'s total contribution exactly (hand computed, no decay of note)', async () => {
    const one = buildDataset({ events: [
      { id: 'x1', user: 'a', type: 'share', post: 'p', timestamp: NOW },
      { id: 'x2', user: 'a', type: 'share', post: 'q', timestamp: NOW },
      { id: 'x3', user: 'b', type: 'like', post: 'q', timestamp: NOW },
    ] });
    const m = new PopularRecommender('popular/trending', { maxPerAccount: 2 });
    await m.fit(one);
    const s = m.itemScores();
    // a contributes 2 + 2 = 4, scaled to 2: 1 to each post; b adds 1 to q.
    expect(s[one.items.index('p')]).toBeCloseTo(1, 12);
    expect(s[one.items.index('q')]).toBeCloseTo(2, 12);
  });
});

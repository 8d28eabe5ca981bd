import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import type { Post } from '../../data/schemas.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { InNetworkRecommender, inNetworkFactory, inNetworkScore } from './in-network.js';
import { runForgetContract } from '../contract/forget-contract.js';
import { datasetWithout } from '../../data/dataset-without.js';

registerModel(inNetworkFactory);
runRecommenderContract('in-network', {}, { similarItems: false, fullCoverage: false });

const H = 3_600_000;
const T = Date.UTC(2025, 2, 1);
const post = (id: string, author: string, ageHours: number): Post => ({ id, author, text: id, created_at: T - ageHours * H, tags: [] });

describe('in-network scores by hand', () => {
  const data = buildDataset({
    posts: [post('a0', 'alice', 48), post('a1', 'alice', 24), post('aOld', 'alice', 200), post('b0', 'bob', 12), post('b1', 'bob', 0), post('c0', 'carol', 1)],
    follows: [{ follower: 'dave', followee: 'alice' }, { follower: 'dave', followee: 'bob' }],
    events: [
      { id: 'e1', user: 'dave', type: 'like', post: 'a0', timestamp: T - 10 * H },
      { id: 'e2', user: 'dave', type: 'share', post: 'b0', timestamp: T - 5 * H },
    ],
  });
  const dave = data.users.index('dave');
  const id = (i: number): string => data.items.id(i);

  it('recency × (1 + author affinity), only followees, only recent posts', async () => {
    const m = new InNetworkRecommender();
    await m.fit(data);
    // Affinity: dave gave alice 1 of 3 weight units (like), bob 2 (share).
    // b1: age 0 → 1 · (1 + 2/3); a1: age 24 h → ½ · (1 + 1/3); aOld is older than a week; carol is not followed.
    const recs = m.recommend(dave, { k: 10 });
    expect(recs.map((r) => id(r.item))).toEqual(['b1', 'a1']);
    expect(recs[0]!.score).toBeCloseTo(5 / 3, 6);
    expect(recs[1]!.score).toBeCloseTo(2 / 3, 6);
    expect(inNetworkScore(24 * H, 24, 1 / 3)).toBeCloseTo(2 / 3, 12);
  });

  it('partialFit shifts affinity at once', async () => {
    const m = new InNetworkRecommender({ halfLifeHours: 12 });
    await m.fit(data);
    m.partialFit(dave, [data.items.index('a0')], [5]);
    // alice now 6 of 8 units, bob 2 of 8. b1: 1 · (1 + 1/4); a1: 2^(−2) · (1 + 3/4).
    const recs = m.recommend(dave, { k: 10 });
    expect(recs.map((r) => id(r.item))).toEqual(['b1', 'a1']);
    expect(recs[0]!.score).toBeCloseTo(1.25, 6);
    expect(recs[1]!.score).toBeCloseTo(0.25 * 1.75, 6);
  });

  it('gives users who follow nobody nothing', async () => {
    const m = new InNetworkRecommender();
    await m.fit(data);
    expect(m.recommend(data.users.index('carol'), { k: 5 })).toEqual([]);
  });
});

describe('in-network forget', () => {
  runForgetContract('in-network', { maxAgeHours: 1000 });

  it('drops the erased posts of several authors, first and last author included, and keeps the rest', async () => {
    const data = buildDataset({
      posts: [post('a0', 'alice', 48), post('a1', 'alice', 24), post('b0', 'bob', 12), post('b1', 'bob', 0), post('c0', 'carol', 1), post('c1', 'carol', 2)],
      follows: ['alice', 'bob', 'carol'].map((followee) => ({ follower: 'dave', followee })),
      events: [{ id: 'e1', user: 'dave', type: 'like', post: 'b0', timestamp: T - 10 * H }],
    });
    const dave = data.users.index('dave');
    const gone = ['a0', 'b1', 'c1'].map((p) => data.items.index(p));
    const m = new InNetworkRecommender();
    await m.fit(data);
    expect(m.recommend(dave, { k: 10, excludeSeen: false }).length).toBe(6);
    m.forget(datasetWithout(data, { users: [], items: gone }), { users: [], items: gone });
    expect(m.recommend(dave, { k: 10, excludeSeen: false }).map((r) => data.items.id(r.item)).sort()).toEqual(['a1', 'b0', 'c0']);
  });
});

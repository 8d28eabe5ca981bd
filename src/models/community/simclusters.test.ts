import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import type { Event, Follow, Post } from '../../data/schemas.js';
import { runForgetContract } from '../contract/forget-contract.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { SimclustersRecommender, simclustersFactory } from './simclusters.js';

registerModel(simclustersFactory);
// The checkerboard's users follow every author of their group, so the contract runs with followed authors allowed.
runRecommenderContract('community/simclusters', { outOfNetwork: false }, { similarItems: false, cancellable: false });
describe('forget', () => runForgetContract('community/simclusters'));

const T = Date.UTC(2025, 5, 1);

/** Two planted communities (a0–a5 around #jazz, b0–b5 around #rock, each following all its members) and x, who follows a0–a2 only. */
function planted() {
  const group = (g: string) => Array.from({ length: 6 }, (_, k) => `${g}${k}`);
  const a = group('a'), b = group('b');
  const follows: Follow[] = [];
  for (const g of [a, b]) for (const u of g) for (const v of g) if (u !== v) follows.push({ follower: u, followee: v });
  // One bridge edge, so the graph is connected.
  follows.push({ follower: 'a5', followee: 'b5' });
  for (const v of ['a0', 'a1', 'a2']) follows.push({ follower: 'x', followee: v });
  const posts: Post[] = [
    ...['a0', 'a3', 'a4'].map((u, k) => ({ id: `jazz${k}`, author: u, text: 'jazz', created_at: T, tags: ['jazz'] })),
    ...['b0', 'b1'].map((u, k) => ({ id: `rock${k}`, author: u, text: 'rock', created_at: T, tags: ['rock'] })),
  ];
  const events: Event[] = [];
  let n = 0;
  const like = (user: string, post: string) => events.push({ id: `e${n++}`, user, type: 'like', post, timestamp: T + n });
  for (const u of a) for (const p of ['jazz0', 'jazz1', 'jazz2']) if (posts.find((q) => q.id === p)!.author !== u) like(u, p);
  for (const u of b) for (const p of ['rock0', 'rock1']) if (posts.find((q) => q.id === p)!.author !== u) like(u, p);
  // jazz1 is liked more than jazz2: a third extra like from b5 (who also reads jazz).
  like('b5', 'jazz1');
  return buildDataset({ posts, follows, events });
}

describe('community/simclusters on planted communities', () => {
  const data = planted();
  const user = (id: string) => data.users.index(id);

  it('finds the two communities; x is known for none (it has no followers) but is interested in #jazz', async () => {
    const m = new SimclustersRecommender({ minSize: 3 });
    await m.fit(data);
    expect(m.communityCount).toBe(2);
    const ca = m.knownFor(user('a0')), cb = m.knownFor(user('b0'));
    expect(ca).toBeGreaterThanOrEqual(0);
    expect(cb).toBeGreaterThanOrEqual(0);
    expect(ca).not.toBe(cb);
    for (const u of ['a1', 'a2', 'a3', 'a4', 'a5']) expect(m.knownFor(user(u))).toBe(ca);
    for (const u of ['b1', 'b2', 'b3', 'b4', 'b5']) expect(m.knownFor(user(u))).toBe(cb);
  });

  it('recommends posts popular in x\'s community by authors x does not follow, most engaged first, and names the community', async () => {
    const m = createModel('community/simclusters', {}) as SimclustersRecommender;
    await m.fit(data);
    const recs = m.recommend(user('x'), { k: 10 });
    const ids = recs.map((r) => data.items.id(r.item));
    // jazz0 is by a0, whom x follows; the rock posts reach community A only through b5, far below.
    expect(ids.slice(0, 2)).toEqual(['jazz1', 'jazz2']);
    expect(ids).not.toContain('jazz0');
    for (const r of recs.slice(2)) expect(r.score).toBeLessThan(recs[1]!.score / 5);
    const why = m.communityOf(user('x'), data.items.index('jazz1'))!;
    expect(why.tags[0]).toBe('jazz');
    expect(why.accounts.every((u) => u.startsWith('a'))).toBe(true);
  });

  it('restores from its artifact with the same scores and names', async () => {
    const m = new SimclustersRecommender();
    await m.fit(data);
    const back = SimclustersRecommender.load(m.save());
    expect(back.recommend(user('x'), { k: 10 })).toEqual(m.recommend(user('x'), { k: 10 }));
    expect(back.communityOf(user('x'), data.items.index('jazz1'))).toEqual(m.communityOf(user('x'), data.items.index('jazz1')));
  });
});

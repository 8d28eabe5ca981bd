import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ResonateConfig } from '../core/config.js';
import { buildDataset } from '../data/dataset-builder.js';
import type { Dataset } from '../data/dataset.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import { InNetworkRecommender } from '../models/in-network/in-network.js';
import { ItemKnnRecommender } from '../models/knn/item-knn.js';
import { PopularRecommender } from '../models/popular/popular.js';
import type { Recommender } from '../models/recommender.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createFeed } from './create-feed.js';
import { pagesWithAuthorCap } from './author-cap.js';
import { pagesWithExploration } from './exploration.js';
import { Explorer } from './explorer.js';
import { dot, InterestProfiles, match, ProfileMatcher } from './interest-profiles.js';
import { createFreshSource, engagementBoost } from './sources/fresh-source.js';
import type { SourceContext, SourceSpec } from './types.js';
import { eventsSince } from './user-reads.js';

// Three topics: jazz (X), cooking and gardening (Y). Fans of each topic liked its posts before the snapshot.
const H = 3_600_000;
const T = Date.UTC(2025, 5, 1, 12);
const jazz = ['Late night jazz saxophone improvisation', 'Jazz trumpet solo at the blue club', 'Bebop piano trio recording session', 'Saxophone quartet swings through standards', 'Modal jazz and the trumpet tradition', 'Live jazz drummer plays brushes', 'Piano chords for jazz ballads', 'Improvisation lessons from saxophone legends'];
const cooking = ['Slow cooked tomato sauce recipe', 'Sourdough bread with crisp crust', 'Roasted garlic soup for winter', 'Fresh pasta dough by hand', 'Spicy curry with coconut milk', 'Crisp bread crumbs for baked pasta', 'Tomato and basil bruschetta recipe', 'Garlic butter for roasted bread'];
const garden = ['Pruning roses before spring', 'Planting tulip bulbs in autumn', 'Compost tips for vegetable beds', 'Watering roses in summer heat', 'Vegetable seedlings under glass', 'Tulip varieties for borders'];
const post = (id: string, author: string, ageHours: number, text: string, tags: string[]): Post => ({ id, author, text, created_at: T - ageHours * H, tags });
const posts: Post[] = [
  ...jazz.map((t, k) => post(`j${k}`, k % 2 ? 'alice' : 'amir', 30 - k, t, ['jazz'])),
  ...cooking.map((t, k) => post(`k${k}`, k % 2 ? 'bob' : 'bea', 30 - k, t, ['cooking'])),
  ...garden.map((t, k) => post(`g${k}`, k % 2 ? 'carol' : 'cem', 30 - k, t, ['garden'])),
];
const jazzFans = ['f1', 'f2', 'f3', 'f4'];
const cooks = ['c1', 'c2', 'c3', 'c4'];
const gardeners = ['h1', 'h2'];
const users: User[] = [...jazzFans, ...cooks, ...gardeners, 'alice', 'amir', 'bob', 'bea', 'carol', 'cem', 'zoe', 'yan', 'xia'].map((id) => ({ id }));
const follows: Follow[] = [...jazzFans.map((f) => ({ follower: f, followee: 'alice' })), ...cooks.map((c) => ({ follower: c, followee: 'bob' }))];
let n = 0;
const ev = (user: string, type: Event['type'], postId: string, at: number): Event => ({ id: `ev${++n}`, user, type, post: postId, timestamp: at });
const events: Event[] = [
  // Each jazz fan liked three jazz posts; cooks and gardeners theirs; cooking posts are the popular ones.
  ...jazzFans.flatMap((u, k) => [0, 1, 2].map((j) => ev(u, 'like', `j${(k + j) % 4}`, T - 20 * H + j))),
  ...cooks.flatMap((u, k) => [0, 1, 2, 3, 4].map((j) => ev(u, 'like', `k${(k + j) % 8}`, T - 10 * H + j))),
  ...jazzFans.flatMap((u, k) => [ev(u, 'like', `k${k}`, T - 9 * H), ev(u, 'like', `k${k + 4}`, T - 9 * H)]),
  ...gardeners.flatMap((u) => [0, 1, 2].map((j) => ev(u, 'like', `g${j}`, T - 8 * H + j))),
];
// Written after the snapshot by authors nobody follows: one on jazz (X), one on gardening (Y).
const freshJazz = post('z1', 'zoe', -0.05, 'New saxophone improvisation with a jazz trumpet player tonight', ['jazz']);
const freshGarden = post('y1', 'yan', -0.05, 'Pruning roses and planting tulip bulbs this weekend', ['garden']);
const moreJazz = [post('x1', 'xia', -0.08, 'Jazz piano trio plays bebop standards', ['jazz']), post('x2', 'yan', -0.1, 'Saxophone and trumpet duet, modal jazz', ['jazz'])];

const sources = (freshWeight: number): SourceSpec[] => [
  { key: 'in-network', id: 'in-network', weight: 1 },
  { key: 'item-knn/cosine', id: 'item-knn/cosine', weight: 1 },
  { key: 'popular/trending', id: 'popular/trending', weight: 0.5 },
  { key: 'fresh', id: 'fresh', weight: freshWeight },
];
const feedConfig = (over: Partial<ResonateConfig['feed']> = {}): Pick<ResonateConfig, 'feed'> => ({ feed: { ...DEFAULT_CONFIG.feed, pageSize: 10, cacheTtlSeconds: 0, ...over } });

let store: Store;
let dataset: Dataset;
let models: Record<string, Recommender>;
const now = T + 10 * 60_000;

beforeAll(async () => {
  store = await openStore('sqlite://:memory:');
  await store.write({ users, posts, follows, events });
  dataset = buildDataset({ users, posts, follows, events });
  const inNetwork = new InNetworkRecommender();
  const knn = new ItemKnnRecommender('item-knn/cosine');
  const trending = new PopularRecommender('popular/trending');
  for (const m of [inNetwork, knn, trending]) await m.fit(dataset);
  models = { 'in-network': inNetwork, 'item-knn/cosine': knn, 'popular/trending': trending };
  // After the snapshot: the new posts, and a new user's first likes.
  await store.write({ users: [{ id: 'newbie' }], posts: [freshJazz, freshGarden], events: [ev('newbie', 'like', 'j0', T + 10_000), ev('newbie', 'like', 'j1', T + 20_000)] });
});

afterAll(async () => {
  await store.close();
});

describe('fresh posts reach interested non-followers', () => {
  it('a new jazz post by an unfollowed author is on every jazz fan’s first page; the gardening post is not', async () => {
    const feed = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0.5), now: () => now });
    for (const fan of jazzFans) {
      const page = (await feed.page(fan)).items;
      const z1 = page.find((i) => i.postId === 'z1');
      expect(z1, fan).toBeDefined();
      expect(z1!.sources).toContain('fresh');
      expect(z1!.explanation).toMatch(/^Because you liked “/);
      expect(page.map((i) => i.postId)).not.toContain('y1');
    }
    // A gardener gets the gardening post, not the jazz one.
    const g = (await feed.page('h1')).items.map((i) => i.postId);
    expect(g).toContain('y1');
    expect(g).not.toContain('z1');
  });

  it('without the fresh source the new post does not reach them (the test can fail)', async () => {
    const feed = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0), now: () => now });
    expect((await feed.page('f1')).items.map((i) => i.postId)).not.toContain('z1');
  });

  it('a known user’s likes since the snapshot join their profile', async () => {
    const feed = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0.5), now: () => now });
    expect((await feed.page('c1')).items.map((i) => i.postId)).not.toContain('z1');
    await store.write({ events: [ev('c1', 'like', 'j5', T + 30_000), ev('c1', 'like', 'j6', T + 31_000)] });
    const later = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0.5), now: () => now });
    expect((await later.page('c1')).items.map((i) => i.postId)).toContain('z1');
  });
});

describe('new users', () => {
  it('a user unknown to the snapshot who liked two jazz posts gets jazz posts on the first page, not only trending', async () => {
    expect(dataset.users.index('newbie')).toBe(-1);
    const feed = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0.5), now: () => now });
    const page = (await feed.page('newbie')).items;
    const jazzIds = new Set([...posts.filter((p) => p.tags[0] === 'jazz').map((p) => p.id), 'z1']);
    const fromFresh = page.filter((i) => i.source === 'fresh' && jazzIds.has(i.postId));
    expect(fromFresh.length).toBeGreaterThanOrEqual(2);
    expect(page.map((i) => i.postId)).toContain('z1');
    expect(page.map((i) => i.postId)).not.toContain('j0'); // liked: seen
    expect(fromFresh.some((i) => /^Because you liked “(Late night jazz|Jazz trumpet)/.test(i.explanation))).toBe(true);
    // Without it, the same user gets trending only.
    const cold = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0), now: () => now });
    expect((await cold.page('newbie')).items.every((i) => i.source === 'popular/trending')).toBe(true);
  });
});

describe('exploration slots', () => {
  it('pagesWithExploration fills one position in `every` (counted across pages) with pick, under the author cap', () => {
    const items = ['a1', 'a2', 'b1', 'b2', 'c1', 'xa', 'xb', 'xc'].map((id) => ({ id, author: id === 'xa' ? 'a' : id[0]! }));
    const offered: string[][] = [];
    const pick = (c: readonly { id: string }[]): { id: string; author: string } | undefined => {
      offered.push(c.map((i) => i.id));
      return c.find((i) => i.id.startsWith('x')) as { id: string; author: string } | undefined;
    };
    const pages = pagesWithExploration(items, { pageSize: 4, cap: 2, every: 3, authorOf: (i) => i.author, pick });
    // Position 3: "a" has two posts on page 1, so xa is not offered and xb takes it; position 6 (page 2): xa.
    expect(pages.map((p) => p.map((i) => i.id))).toEqual([['a1', 'a2', 'xb', 'b1'], ['b2', 'xa', 'c1', 'xc']]);
    expect(offered).toEqual([['b1', 'b2', 'c1', 'xb', 'xc'], ['c1', 'xa', 'xc']]);
    const none = pagesWithExploration(items, { pageSize: 4, cap: 2, every: 0, authorOf: (i) => i.author, pick });
    expect(none).toEqual(pagesWithAuthorCap(items, 4, 2, (i) => i.author));
  });

  it('with exploration every 5, positions 5 and 10 are the policy’s, marked with policy, arm and propensity; with every 0 nothing is', async () => {
    const explored = createFeed({ store, dataset, models, config: feedConfig({ exploration: { ...DEFAULT_CONFIG.feed.exploration, every: 5 } }), sources: sources(0.5), now: () => now });
    const page = (await explored.page('f2')).items;
    expect(page.length).toBe(10);
    const marked = page.flatMap((item, k) => (item.exploration ? [k] : []));
    expect(marked).toEqual([4, 9]);
    for (const k of marked) {
      const { policy, arm, propensity } = page[k]!.exploration!;
      expect(policy).toBe('thompson');
      expect(arm).toBe(page[k]!.source);
      expect(propensity).toBeGreaterThan(0);
      expect(propensity).toBeLessThanOrEqual(1);
    }
    // The default, 1 slot in 10: the 10th post of a page of 10.
    const byDefault = createFeed({ store, dataset, models, config: feedConfig(), sources: sources(0.5), now: () => now });
    expect((await byDefault.page('f2')).items.flatMap((item, k) => (item.exploration ? [k] : []))).toEqual([9]);
    const off = createFeed({ store, dataset, models, config: feedConfig({ exploration: { ...DEFAULT_CONFIG.feed.exploration, every: 0 } }), sources: sources(0.5), now: () => now });
    expect((await off.page('f2')).items.some((i) => i.exploration)).toBe(false);
  });

  it('a policy that learned fresh posts engage gives the slot to a new post the blend ranks too low', async () => {
    await store.write({ posts: moreJazz });
    const specs = sources(0.001);
    const explorer = new Explorer({ every: 5, policy: { id: 'thompson' }, rewardWindowSeconds: 60, arms: specs.map((s) => s.key) });
    for (let t = 0; t < 200; t++) specs.forEach((s, a) => explorer.policy.update(a, s.key === 'fresh' ? 1 : 0));
    const feed = createFeed({ store, dataset, models, config: feedConfig({ pageSize: 5, freshMaxAgeHours: 0 }), sources: specs, exploration: explorer, now: () => now });
    const slot = (await feed.page('f2')).items[4]!;
    expect(['z1', 'x1', 'x2']).toContain(slot.postId);
    expect(slot.exploration).toEqual({ policy: 'thompson', arm: 'fresh', propensity: expect.closeTo(1, 3) });
    // Without exploration the blend keeps them off the first page.
    const plain = createFeed({ store, dataset, models, config: feedConfig({ pageSize: 5, freshMaxAgeHours: 0, exploration: { ...DEFAULT_CONFIG.feed.exploration, every: 0 } }), sources: specs, now: () => now });
    expect((await plain.page('f2')).items.map((i) => i.postId).filter((id) => ['z1', 'x1', 'x2'].includes(id))).toEqual([]);
  });

  it('served decisions learn from engagement: feedback joins by (user, post); a decision past the window is learned as reward 0', async () => {
    let clock = 0;
    const specs = sources(0.5);
    const explorer = new Explorer({ every: 5, policy: { id: 'epsilon-greedy' }, rewardWindowSeconds: 60, arms: specs.map((s) => s.key), now: () => clock });
    const feed = createFeed({ store, dataset, models, config: feedConfig(), sources: specs, exploration: explorer, now: () => now });
    const page = (await feed.page('f3')).items;
    const marked = page.filter((i) => i.exploration);
    expect(marked.length).toBe(2);
    expect(explorer.waiting).toBe(2);
    await feed.page('f3'); // the same page again: its decisions wait once
    expect(explorer.waiting).toBe(2);
    expect(explorer.feedback('f3', marked[0]!.postId, 1)).toBe(true);
    expect(explorer.feedback('f3', marked[0]!.postId, 1)).toBe(false);
    expect(explorer.feedback('f1', marked[1]!.postId, 1)).toBe(false); // another user
    const state = explorer.toJSON();
    const arm = specs.findIndex((s) => s.key === marked[0]!.exploration!.arm);
    expect(state.stats.trials![arm]).toBeGreaterThanOrEqual(1);
    expect(state.updates).toBe(1);
    clock += 61_000;
    explorer.expire();
    expect(explorer.policy.updates).toBe(2);
    expect(explorer.waiting).toBe(0);
  });
});

describe('fresh source internals', () => {
  const ctx = (userId: string, asOf: number, config = DEFAULT_CONFIG.feed): SourceContext => ({
    userId, userIndex: dataset.users.index(userId), asOf, scoreTime: asOf, limit: 50, store, dataset, models, config,
  });

  it('reads the pool once per refresh period, shared by users, and at most feed.freshPosts new posts', async () => {
    const source = createFreshSource('fresh');
    await source.candidates(ctx('f1', now));
    await source.candidates(ctx('f2', now + 1000));
    expect(source.pool!.reads).toBe(1);
    await source.candidates(ctx('f3', now + 6000));
    expect(source.pool!.reads).toBe(2);
    const small = createFreshSource('fresh');
    const config = { ...DEFAULT_CONFIG.feed, freshPosts: 1 };
    const pool = await (async () => {
      await small.candidates(ctx('f1', now, config));
      return small.pool!.at(now);
    })();
    const written = pool.filter((p) => dataset.items.index(p.id) < 0);
    expect(written.map((p) => p.id)).toEqual(['x2']); // the newest only
  });

  it('does not propose posts created after the snapshot time asked', async () => {
    const source = createFreshSource('fresh');
    const ids = (await source.candidates(ctx('f1', T - 1))).map((c) => c.postId);
    expect(ids).not.toContain('z1');
  });

  it('early engagement boosts, hides and reports lower', () => {
    expect(engagementBoost(0)).toBe(1);
    expect(engagementBoost(3)).toBeCloseTo(1.5, 12);
    expect(engagementBoost(-1)).toBeCloseTo(0.5, 12);
  });

  it('profiles are cosines to unit vectors, cached up to the bound', () => {
    const profiles = new InterestProfiles(dataset, { cacheSize: 2 });
    const [jazzPost, gardenPost] = profiles.vectorize([freshJazz, freshGarden]);
    const fan = profiles.profile(dataset.users.index('f1'));
    expect(match(fan, jazzPost!)).toBeGreaterThan(0.2);
    expect(match(fan, gardenPost!)).toBe(0);
    expect(match(fan, jazzPost!)).toBeLessThanOrEqual(1 + 1e-6);
    profiles.profile(dataset.users.index('f2'));
    profiles.profile(dataset.users.index('f3'));
    expect(profiles.cachedUsers).toBe(2);
    expect(profiles.profile(-1).terms.size).toBe(0);
  });

  it('the matcher scores and explains exactly as match and the per-post dot products do', () => {
    const profiles = new InterestProfiles(dataset);
    const vectors = profiles.vectorize([freshJazz, freshGarden, ...moreJazz, ...posts]);
    const matcher = new ProfileMatcher();
    for (const user of [...jazzFans, ...cooks, ...gardeners, 'zoe']) {
      const recent = user === 'f1' ? [{ postId: 'y1', weight: 2, vector: vectors[1]! }] : [];
      const profile = profiles.profile(dataset.users.index(user), recent);
      matcher.load(profile, 3);
      for (const v of vectors) {
        expect(matcher.match(v)).toBe(match(profile, v));
        let best: string | undefined, bestScore = 0;
        for (const p of profile.posts.slice(0, 3)) {
          const s = p.weight * dot(p.vector, v);
          if (s > bestScore) [best, bestScore] = [p.postId, s];
        }
        expect(matcher.closest(v)).toBe(best);
      }
    }
  });

  it('a snapshot profile is cached; one with recent posts is not', () => {
    const profiles = new InterestProfiles(dataset);
    const u = dataset.users.index('f1');
    expect(profiles.profile(u)).toBe(profiles.profile(u));
    const [v] = profiles.vectorize([freshGarden]);
    const withRecent = profiles.profile(u, [{ postId: 'y1', weight: 1, vector: v! }]);
    expect(withRecent).not.toBe(profiles.profile(u));
    expect(withRecent.posts.map((p) => p.postId)).toContain('y1');
  });

  it('eventsSince takes the newest events since a time from a newest-first list', () => {
    const list = [5, 4, 4, 3, 1].map((t, k) => ev('f1', 'view', `j${k}`, t));
    expect(eventsSince(list, 4, 10).map((e) => e.timestamp)).toEqual([5, 4, 4]);
    expect(eventsSince(list, 4, 2).map((e) => e.timestamp)).toEqual([5, 4]);
    expect(eventsSince(list, -Infinity, 10)).toHaveLength(5);
  });
});

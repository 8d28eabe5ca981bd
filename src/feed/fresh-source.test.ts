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
import { explorationSlots, pagesWithExploration } from './exploration.js';
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
  it('explorationSlots is about a tenth of the page', () => {
    expect(explorationSlots(20, { explorationShare: 0.1 })).toBe(2);
    expect(explorationSlots(3, { explorationShare: 0.1 })).toBe(0);
    expect(explorationSlots(10, { explorationShare: 0 })).toBe(0);
    expect(explorationSlots(4, { explorationShare: 1 })).toBe(4);
  });

  it('reserves exactly the slots for new posts the blend ranks too low, and none with share 0', async () => {
    await store.write({ posts: moreJazz });
    const freshIds = new Set(['z1', 'x1', 'x2']);
    for (const [share, slots] of [[0.4, 2], [0.2, 1], [0, 0]] as const) {
      // A tiny weight: fresh posts never earn a first-page place on their score.
      const feed = createFeed({ store, dataset, models, config: feedConfig({ pageSize: 5, explorationShare: share, freshMaxAgeHours: 0 }), sources: sources(0.001), now: () => now });
      const pages: string[][] = [];
      for (let cursor: string | undefined, k = 0; k === 0 || (cursor && k < 20); k++) {
        const p = await feed.page('f2', cursor ? { cursor } : {});
        pages.push(p.items.map((i) => i.postId));
        cursor = p.nextCursor;
      }
      expect(pages[0]!.length).toBe(5);
      expect(pages[0]!.filter((id) => freshIds.has(id)).length, `share ${share}`).toBe(slots);
      const all = pages.flat();
      expect(new Set(all).size).toBe(all.length);
      for (const id of freshIds) expect(all).toContain(id);
    }
  });

  it('pagesWithExploration promotes the best explore items to the end of page 1 under the author cap', () => {
    const items = ['a1', 'a2', 'b1', 'b2', 'c1', 'xa', 'xb', 'xc'].map((id) => ({ id, author: id === 'xa' ? 'a' : id[0]!, explore: id.startsWith('x') }));
    const pages = pagesWithExploration(items, { pageSize: 4, cap: 2, slots: 2, authorOf: (i) => i.author, explore: (i) => i.explore });
    // xa is by "a", who already has two posts on page 1: xb and xc take the slots, replacing b1 and b2.
    expect(pages.map((p) => p.map((i) => i.id))).toEqual([['a1', 'a2', 'xb', 'xc'], ['b1', 'b2', 'c1', 'xa']]);
    const none = pagesWithExploration(items, { pageSize: 4, cap: 2, slots: 0, authorOf: (i) => i.author, explore: (i) => i.explore });
    expect(none[0]!.map((i) => i.id)).toEqual(['a1', 'a2', 'b1', 'b2']);
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

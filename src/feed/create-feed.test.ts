import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ResonateConfig } from '../core/config.js';
import { isResonateError } from '../core/errors.js';
import { buildDataset } from '../data/dataset-builder.js';
import type { Dataset } from '../data/dataset.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import { InNetworkRecommender } from '../models/in-network/in-network.js';
import { ItemKnnRecommender } from '../models/knn/item-knn.js';
import { PopularRecommender } from '../models/popular/popular.js';
import type { Recommender } from '../models/recommender.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createFeed, type Feed } from './create-feed.js';
import type { FeedItem } from './types.js';

const H = 3_600_000;
const T = Date.UTC(2025, 4, 1, 12);

const users: User[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'gina'].map((id) => ({ id }));
const post = (id: string, author: string, ageHours: number, text: string, tags: string[]): Post => ({ id, author, text, created_at: T - ageHours * H, tags });
const posts: Post[] = [
  ...[1, 2, 3, 4, 5].map((k) => post(`a${k}`, 'alice', k, `Alice on jazz, part ${k}`, ['jazz'])),
  post('b1', 'bob', 2, 'Bob cooks pasta', ['cooking']),
  post('b2', 'bob', 4, 'Bob cooks rice', ['cooking']),
  post('b3', 'bob', 6, 'Bob cooks soup', ['cooking']),
  post('c1', 'carol', 30, 'Best sourdough recipe I have ever tried in my life', ['cooking']),
  post('c2', 'carol', 20, 'Sourdough starter tips for beginners', ['cooking']),
  post('c3', 'carol', 10, 'Garden photos', ['garden']),
  post('d1', 'dave', 3, 'My own post', ['misc']),
  post('e1', 'erin', 1, 'Erin cooks too', ['cooking']),
  post('e2', 'erin', 2, 'Erin again', ['cooking']),
  post('g1', 'gina', 6, 'A very popular meme', ['memes']),
];
const follows: Follow[] = [
  { follower: 'dave', followee: 'alice' },
  { follower: 'dave', followee: 'bob' },
  { follower: 'gina', followee: 'carol' },
];
let n = 0;
const ev = (user: string, type: Event['type'], postId: string | undefined, ageHours: number, extra: Partial<Event> = {}): Event =>
  ({ id: `ev${++n}`, user, type, ...(postId ? { post: postId } : {}), timestamp: T - ageHours * H, ...extra }) as Event;
const datasetEvents: Event[] = [
  ev('dave', 'like', 'c1', 25),
  ev('dave', 'view', 'a1', 0.8),
  ...['bob', 'erin', 'gina'].flatMap((u) => [ev(u, 'like', 'c1', 24), ev(u, 'like', 'c2', 19)]),
  ...['alice', 'bob', 'carol', 'erin'].map((u) => ev(u, 'like', 'g1', 5)),
  ev('alice', 'like', 'c3', 9),
  ev('dave', 'hide', 'b3', 0.5),
  ev('dave', 'report', undefined, 0.3, { target_user: 'erin' }),
];
// Only in the Store (after the dataset snapshot): the feed must still treat b1 as seen.
const storeOnlyEvents: Event[] = [ev('dave', 'view', 'b1', 0.1)];
// Written after the last training run: only the Store knows it.
const freshPost = post('a6', 'alice', 0.2, 'Alice, fresh off the stage', ['jazz']);

let store: Store;
let dataset: Dataset;
let models: Record<string, Recommender>;
// The sources these tests fit (models below), whatever the default recipe is.
const config: Pick<ResonateConfig, 'feed'> = { feed: { ...DEFAULT_CONFIG.feed, pageSize: 3, authorCap: 2, sources: [{ id: 'in-network', weight: 1 }, { id: 'item-knn/cosine', weight: 1 }, { id: 'popular/trending', weight: 0.5 }, { id: 'fresh', weight: 0.5 }], similar: 'item-knn/cosine' } };
let feed: Feed;

async function allPages(f: Feed, userId: string, pageSize?: number): Promise<FeedItem[][]> {
  const pages: FeedItem[][] = [];
  let cursor: string | undefined;
  do {
    const p = await f.page(userId, cursor ? { cursor } : pageSize ? { pageSize } : {});
    pages.push(p.items);
    cursor = p.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

beforeAll(async () => {
  store = await openStore('sqlite://:memory:');
  await store.write({ users, posts: [...posts, freshPost], follows, events: [...datasetEvents, ...storeOnlyEvents] });
  dataset = buildDataset({ users, posts, follows, events: datasetEvents });
  const inNetwork = new InNetworkRecommender();
  const knn = new ItemKnnRecommender('item-knn/cosine');
  const trending = new PopularRecommender('popular/trending');
  for (const m of [inNetwork, knn, trending]) await m.fit(dataset);
  models = { 'in-network': inNetwork, 'item-knn/cosine': knn, 'popular/trending': trending };
  feed = createFeed({ store, dataset, models, config, now: () => T });
});

afterAll(async () => {
  await store.close();
});

describe('feed pages', () => {
  it('never returns seen, own, hidden or reported-author posts', async () => {
    const ids = (await allPages(feed, 'dave')).flat().map((i) => i.postId);
    expect(ids.length).toBeGreaterThan(5);
    for (const banned of ['c1', 'a1', 'b1', 'b3', 'd1', 'e1', 'e2']) expect(ids).not.toContain(banned);
    for (const wanted of ['a2', 'a6', 'b2', 'c2', 'g1']) expect(ids).toContain(wanted);
  });

  it('reads the user\'s events and followees once per ranking, shared by the exclusions and the sources', async () => {
    const calls = { userEvents: 0, following: 0, safety: 0 };
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if ((prop === 'userEvents' || prop === 'following') && typeof v === 'function') {
          return (...args: unknown[]) => {
            // The safety rules (mutes, blocks, words: every such event, unbounded) are one typed read per request.
            if (prop === 'userEvents' && (args[1] as { types?: unknown } | undefined)?.types !== undefined) calls.safety++;
            else calls[prop]++;
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const sources = [
      { key: 'in-network', id: 'in-network', weight: 1 },
      { key: 'item-knn/cosine', id: 'item-knn/cosine', weight: 1 },
      { key: 'fresh', id: 'fresh', weight: 0.5 },
    ];
    const f = createFeed({ store: counting, dataset, models, config: { feed: { ...config.feed, cacheTtlSeconds: 0 } }, sources, now: () => T });
    const shared = await f.page('dave');
    expect(calls).toEqual({ userEvents: 1, following: 1, safety: 1 });
    // The shared events still exclude what only the Store knows was seen (b1).
    expect(shared.items.length).toBeGreaterThan(0);
    expect(shared.items.map((i) => i.postId)).not.toContain('b1');
  });

  it('holds the author cap on every page and never repeats a post across pages', async () => {
    const pages = await allPages(feed, 'dave');
    const author = new Map([...posts, freshPost].map((p) => [p.id, p.author]));
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(3);
      const counts = new Map<string, number>();
      for (const it of page) counts.set(author.get(it.postId)!, (counts.get(author.get(it.postId)!) ?? 0) + 1);
      for (const c of counts.values()) expect(c).toBeLessThanOrEqual(2);
    }
    const ids = pages.flat().map((i) => i.postId);
    expect(new Set(ids).size).toBe(ids.length);
    // All five unseen alice posts arrive (a6 from the Store only), spread over pages.
    expect(ids.filter((id) => id.startsWith('a'))).toHaveLength(5);
  });

  it('explains items with the followee, the liked post or the trending tag', async () => {
    const items = (await allPages(feed, 'dave')).flat();
    const byId = new Map(items.map((i) => [i.postId, i]));
    expect(byId.get('a2')!.explanation).toBe('You follow @alice');
    expect(byId.get('a2')!.source).toBe('in-network');
    expect(byId.get('a6')!.explanation).toBe('You follow @alice');
    expect(byId.get('b2')!.explanation).toBe('You follow @bob');
    // c2 is co-liked with c1, which dave liked.
    expect(byId.get('c2')!.sources).toContain('item-knn/cosine');
    const c2 = byId.get('c2')!;
    if (c2.source === 'item-knn/cosine') expect(c2.explanation).toBe('Because you liked “Best sourdough recipe I have ever…”');
    else expect(c2.explanation).toBe('Trending in #cooking');
    for (const it of items) {
      expect(it.sources[0]).toBe(it.source);
      expect(it.explanation.length).toBeGreaterThan(0);
      expect(Number.isFinite(it.score)).toBe(true);
    }
  });

  it('ranks pages in descending score apart from author-cap deferrals', async () => {
    const first = (await feed.page('dave')).items;
    for (let i = 1; i < first.length; i++) expect(first[i]!.score).toBeLessThanOrEqual(first[i - 1]!.score);
  });

  it('continues page 1 on page 2 from a fresh process, even after the user saw page 1', async () => {
    const p1 = await feed.page('dave');
    expect(p1.nextCursor).toBeDefined();
    // The user views page 1 (now later than the snapshot).
    await store.write({ events: p1.items.map((it, j) => ({ id: `seen-${j}`, user: 'dave', type: 'view' as const, post: it.postId, timestamp: T + 60_000 })) });
    const other = createFeed({ store, dataset, models, config, now: () => T + 120_000 });
    const p2 = await other.page('dave', { cursor: p1.nextCursor! });
    const again = await feed.page('dave', { cursor: p1.nextCursor! });
    expect(p2.items).toEqual(again.items);
    for (const it of p2.items) expect(p1.items.map((x) => x.postId)).not.toContain(it.postId);
    // A new first page (new snapshot) now drops what was seen.
    const fresh = await other.page('dave');
    for (const it of fresh.items) expect(p1.items.map((x) => x.postId)).not.toContain(it.postId);
  });

  it('gives an unknown user the trending feed', async () => {
    const items = (await allPages(feed, 'newcomer')).flat();
    expect(items.length).toBeGreaterThan(0);
    for (const it of items) expect(it.source).toBe('popular/trending');
    expect(items[0]!.postId).toBe('g1');
    expect(items[0]!.explanation).toBe('Trending in #memes');
    // g1 tops the only source (min-max → 1), weight 0.5, posted 6 h before now: freshness ½ + ½ · 2^(−6/24).
    expect(items[0]!.score).toBeCloseTo(0.5 * (0.5 + 0.5 * Math.pow(2, -6 / 24)), 12);
    // Posts nobody engaged with are not trending.
    const expected = models['popular/trending']!.recommend(0x7fffffff, { k: 100 }).filter((r) => r.score > 0).map((r) => dataset.items.id(r.item));
    expect(expected).toEqual(['g1', 'c1', 'c2', 'c3', 'a1']);
    // Same posts as the trending list (order within a page may move for the author cap).
    expect(new Set(items.map((i) => i.postId))).toEqual(new Set(expected));
  });

  it('refuses bad page sizes and cursors with INVALID_INPUT', async () => {
    const daveCursor = (await feed.page('dave')).nextCursor!;
    for (const call of [() => feed.page('dave', { pageSize: 0 }), () => feed.page('dave', { cursor: 'garbage' }), () => feed.page('bob', { cursor: daveCursor })]) {
      let code = '';
      try {
        await call();
      } catch (e) {
        code = isResonateError(e) ? e.code : String(e);
      }
      expect(code).toBe('INVALID_INPUT');
    }
  });
});

describe('similar posts and trending helpers', () => {
  it('similarPosts gives item-kNN neighbours, then same-author and same-tag posts, never the post itself', async () => {
    const sims = await feed.similarPosts('c2', 6);
    expect(sims.map((s) => s.postId)).not.toContain('c2');
    expect(sims[0]!.postId).toBe('c1');
    expect(sims[0]!.source).toBe('item-knn/cosine');
    expect(sims.some((s) => s.source === 'same-author' && s.explanation === 'Also by @carol')).toBe(true);
    expect(new Set(sims.map((s) => s.postId)).size).toBe(sims.length);
    // A post nobody interacted with falls back to author and tag.
    const fallback = await feed.similarPosts('b2', 4);
    expect(fallback.map((s) => s.source)).toEqual(['same-author', 'same-author', 'same-tag', 'same-tag']);
    expect(fallback[2]!.explanation).toBe('Also tagged #cooking');
    let code = '';
    try {
      await feed.similarPosts('nope');
    } catch (e) {
      code = isResonateError(e) ? e.code : '';
    }
    expect(code).toBe('NOT_FOUND');
  });

  it('trending posts and tags', async () => {
    const top = await feed.trending({ kind: 'posts', k: 3 });
    expect(top[0]!.postId).toBe('g1');
    expect(top[0]!.explanation).toBe('Trending in #memes');
    const tags = await feed.trending({ kind: 'tags', k: 2 });
    // now = the latest dataset event (T − 0.3 h); half-life 24 h.
    // #cooking = c1 (like 24.7 h ago + 3 likes 23.7 h ago) + c2 (3 likes 18.7 h ago); #memes = g1 (4 likes 4.7 h ago).
    const d = (ageHours: number): number => Math.pow(2, -ageHours / 24);
    expect(tags.map((t) => t.label)).toEqual(['#cooking', '#memes']);
    expect(tags[0]!.score).toBeCloseTo(d(24.7) + 3 * d(23.7) + 3 * d(18.7), 5);
    expect(tags[1]!.score).toBeCloseTo(4 * d(4.7), 5);
  });
});

describe('historical snapshots', () => {
  it('replays old data from its own clock, and still shows posts written now', async () => {
    const wall = T + 400 * 24 * H; // the feed is made long after the data ends
    const replay = createFeed({ store, dataset, models, config, now: () => wall });
    // Ages are measured from dataset.now (T − 0.3 h): g1, posted at T − 6 h, is 5.7 h old.
    const cold = (await replay.page('newcomer')).items;
    expect(cold[0]!.postId).toBe('g1');
    expect(cold[0]!.score).toBeCloseTo(0.5 * (0.5 + 0.5 * Math.pow(2, -5.7 / 24)), 9);
    await store.write({ posts: [{ id: 'a7', author: 'alice', text: 'Written today', created_at: wall - H, tags: [] }] });
    const ids = (await allPages(replay, 'dave')).flat();
    // Snapshot posts of followees (some were viewed by an earlier test) are still recent on the replay clock.
    expect(ids.filter((i) => i.postId !== 'a7' && i.explanation === 'You follow @alice').length).toBeGreaterThan(0);
    expect(ids.find((i) => i.postId === 'a7')?.explanation).toBe('You follow @alice');
  });
});

describe('first-page cache', () => {
  it('reuses a first page within the TTL, and ranks afresh after invalidate or with TTL 0', async () => {
    let clock = T;
    const feed = createFeed({ store, dataset, models, config: { feed: { ...config.feed, cacheTtlSeconds: 30 } }, now: () => clock });
    const first = await feed.page('dave');
    clock += 10 * 60_000; // the replay clock moves on; the wall-clock TTL has not expired
    const again = await feed.page('dave');
    expect(again).toEqual(first);
    feed.invalidate('dave');
    const fresh = await feed.page('dave');
    expect(fresh.nextCursor).not.toEqual(first.nextCursor);
    const noCache = createFeed({ store, dataset, models, config: { feed: { ...config.feed, cacheTtlSeconds: 0 } }, now: () => clock++ });
    const a = await noCache.page('dave');
    const b = await noCache.page('dave');
    expect(a.nextCursor).not.toEqual(b.nextCursor);
  });
});

describe('materialized first pages', () => {
  it('serves a warmed first page as ranked at warm-up, pages past the kept ones from the same snapshot, and ranks afresh after invalidate', async () => {
    let clock = T;
    const cfg = { feed: { ...config.feed, cacheTtlSeconds: 0, materializeTtlSeconds: 600, pageSize: 1 } };
    const feed = createFeed({ store, dataset, models, config: cfg, now: () => clock, materializedPages: 1 });
    const reference = createFeed({ store, dataset, models, config: cfg, now: () => T });
    expect(await feed.warm(['dave', 'erin'])).toBe(2);
    const first = await feed.page('dave');
    const firstAgain = await feed.page('dave');
    expect(firstAgain).toEqual(first); // served from the materialized list: same snapshot, same cursor
    // The same snapshot ranked from scratch gives the same pages, including those past the kept ones.
    const warmedPages = [first.items];
    for (let c = first.nextCursor; c !== undefined; ) {
      const p = await feed.page('dave', { cursor: c });
      warmedPages.push(p.items);
      c = p.nextCursor;
    }
    const fromScratch = await allPages(reference, 'dave');
    expect(warmedPages.length).toBeGreaterThan(1);
    expect(warmedPages).toEqual(fromScratch);
    clock += 1000;
    expect(await feed.page('dave')).toEqual(first); // still materialized: the snapshot of the warm-up
    feed.invalidate('dave');
    expect((await feed.page('dave')).nextCursor).not.toEqual(first.nextCursor);
  });

  it('warms at most feed.materializeUsers users and stops when aborted', async () => {
    const capped = createFeed({ store, dataset, models, config: { feed: { ...config.feed, materializeUsers: 1 } } });
    expect(await capped.warm(['dave', 'erin'])).toBe(1);
    const abort = new AbortController();
    abort.abort();
    expect(await capped.warm(['dave'], { signal: abort.signal })).toBe(0);
  });
});

describe('diversity re-ranking in the feed', () => {
  it('attributes the author decay as a final factor; the contributions still sum to the score', async () => {
    const diverse = createFeed({ store, dataset, models, config: { feed: { ...config.feed, diversity: { authorDecay: 0.5, authorFloor: 0.25, mmrLambda: 0.7, mmrTop: 100, dppTheta: 1, topicCap: 0, newAuthorSlot: 0, newAuthorMaxPosts: 3 } } }, now: () => T });
    const { items } = await diverse.page('dave', { pageSize: 10, explain: 'full' });
    const decayed = items.filter((it) => it.attribution!.contributions.some((c) => c.group === 'author-diversity' && c.kind === 'final-factor'));
    expect(decayed.length).toBeGreaterThan(0);
    for (const it of items) {
      const at = it.attribution!;
      expect(at.baseline + at.contributions.reduce((s, c) => s + c.value, 0)).toBeCloseTo(it.score, 9);
    }
    // The stronger decay and MMR change the served order.
    const plain = (await feed.page('dave', { pageSize: 10 })).items.map((i) => i.postId);
    const served = items.map((i) => i.postId);
    expect(plain).not.toEqual(served);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { createRng } from '../core/rng.js';
import { buildDataset } from '../data/dataset-builder.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import { InNetworkRecommender } from '../models/in-network/in-network.js';
import { ItemKnnRecommender } from '../models/knn/item-knn.js';
import { PopularRecommender } from '../models/popular/popular.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createFeed, type Feed } from './create-feed.js';

// A random world: 30 users, 150 posts over three days, random follows, likes, views, hides and reports.
const H = 3_600_000;
const T = Date.UTC(2025, 6, 1);
const rng = createRng(11);
const users: User[] = Array.from({ length: 30 }, (_, u) => ({ id: `u${u}` }));
const posts: Post[] = Array.from({ length: 150 }, (_, p) => ({
  id: `p${p}`,
  author: `u${rng.int(30)}`,
  text: `post ${p} about topic ${p % 7}`,
  created_at: T - rng.int(72) * H - 1,
  tags: [`topic${p % 7}`],
}));
const follows: Follow[] = [];
for (let u = 0; u < 30; u++) for (let v = 0; v < 30; v++) if (u !== v && rng.next() < 0.15) follows.push({ follower: `u${u}`, followee: `u${v}` });
const events: Event[] = [];
for (let e = 0; e < 900; e++) {
  const type = (['like', 'like', 'view', 'share', 'hide', 'report'] as const)[rng.int(6)];
  const user = `u${rng.int(30)}`;
  const timestamp = T - rng.int(48 * 60) * 60_000;
  if (type === 'report' && rng.next() < 0.3) events.push({ id: `e${e}`, user, type, target_user: `u${rng.int(30)}`, timestamp });
  else events.push({ id: `e${e}`, user, type, post: `p${rng.int(150)}`, timestamp });
}

let store: Store;
let feed: Feed;
const authorOf = new Map(posts.map((p) => [p.id, p.author]));
const cap = 2;

beforeAll(async () => {
  store = await openStore('sqlite://:memory:');
  await store.write({ users, posts, follows, events });
  // The models see only the first two thirds of the events; the Store has them all.
  const dataset = buildDataset({ users, posts, follows, events: events.slice(0, 600) });
  const models = { 'in-network': new InNetworkRecommender(), 'item-knn/cosine': new ItemKnnRecommender('item-knn/cosine'), 'popular/trending': new PopularRecommender('popular/trending') };
  for (const m of Object.values(models)) await m.fit(dataset);
  feed = createFeed({ store, dataset, models, config: { feed: { ...DEFAULT_CONFIG.feed, pageSize: 7, authorCap: cap } }, now: () => T });
});

afterAll(async () => {
  await store.close();
});

describe('feed invariants on a random world', () => {
  it('for every user: no seen, hidden, own or reported-author posts; author cap; no repeats', async () => {
    let served = 0;
    for (const { id: user } of [...users, { id: 'stranger' }]) {
      const seen = new Set(events.filter((e) => e.user === user && e.post).map((e) => e.post!));
      const blocked = new Set(events.filter((e) => e.user === user && e.type === 'report' && e.target_user).map((e) => e.target_user!));
      const all: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await feed.page(user, cursor ? { cursor } : {});
        const perAuthor = new Map<string, number>();
        for (const it of page.items) {
          const a = authorOf.get(it.postId)!;
          perAuthor.set(a, (perAuthor.get(a) ?? 0) + 1);
          expect(seen.has(it.postId), `${user} saw ${it.postId}`).toBe(false);
          expect(a, `${user} got own post ${it.postId}`).not.toBe(user);
          expect(blocked.has(a), `${user} reported ${a}`).toBe(false);
          expect(it.sources[0]).toBe(it.source);
        }
        for (const n of perAuthor.values()) expect(n).toBeLessThanOrEqual(cap);
        all.push(...page.items.map((i) => i.postId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 200);
      expect(new Set(all).size).toBe(all.length);
      served += all.length;
    }
    expect(served).toBeGreaterThan(100);
  });
});

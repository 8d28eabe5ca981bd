import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../data/schemas.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { SearchService, type HashtagHit, type PostHit, type UserHit } from './search-service.js';

const DAY = 86_400_000;
const FOOD = ['pasta', 'tomato', 'basil', 'garlic', 'olive', 'oven', 'pizza', 'dough'];
const SPORT = ['goal', 'striker', 'match', 'referee', 'league', 'stadium', 'coach', 'penalty'];

/** 120 posts by 4 authors: ana and bo write about food, cy and di about football; one post a day. */
function posts(): Post[] {
  const authors = ['ana', 'bo', 'cy', 'di'];
  return Array.from({ length: 120 }, (_, i) => {
    const author = authors[i % 4]!, words = i % 4 < 2 ? FOOD : SPORT;
    const text = Array.from({ length: 6 }, (_, j) => words[(i * 3 + j * 5) % words.length]!).join(' ');
    return { id: `p${i}`, author, text, created_at: i * DAY, tags: [i % 4 < 2 ? 'ItalianFood' : 'football'], lang: i % 8 === 0 ? 'it' : 'en' };
  });
}

let store: Store;
let search: SearchService;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  await store.write({ users: [{ id: 'ana', name: 'Ana Pasta' }, { id: 'bo' }, { id: 'cy', name: 'Cy Striker' }, { id: 'di' }, { id: 'eve' }], posts: posts() });
  search = new SearchService(store, { seed: 1 });
});
afterEach(() => store.close());

const ids = (items: unknown[]): string[] => (items as PostHit[]).map((h) => h.post.id);

describe('SearchService', () => {
  it('finds posts by words, and by meaning through the vector index', async () => {
    const hits = (await search.search({ q: 'basil', limit: 5 })) as PostHit[];
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.post.text!.includes('basil') || FOOD.some((w) => h.post.text!.includes(w)))).toBe(true);
    // No post holds "cuisine": only the vector side can answer, and it does not answer with football.
    await store.write({ posts: [{ id: 'x1', author: 'eve', text: 'cuisine pasta basil', created_at: 0, tags: [] }, { id: 'x2', author: 'eve', text: 'cuisine tomato garlic', created_at: 0, tags: [] }] });
    const fresh = new SearchService(store, { seed: 1 });
    const meaning = (await fresh.search({ q: 'cuisine', limit: 6 })) as PostHit[];
    expect(meaning.length).toBe(6);
    expect(meaning.filter((h) => !h.post.id.startsWith('x')).every((h) => ['ana', 'bo', 'eve'].includes(h.post.author))).toBe(true);
  });

  it('applies from:, since:, until:, lang: and negation, and still returns k when k posts match', async () => {
    const from = (await search.search({ q: 'goal from:cy', limit: 30 })) as PostHit[];
    expect(from).toHaveLength(30);
    expect(new Set(from.map((h) => h.post.author))).toEqual(new Set(['cy']));
    const window = (await search.search({ q: `pasta since:${10 * DAY} until:${20 * DAY}`, limit: 10 })) as PostHit[];
    expect(window.every((h) => h.post.created_at >= 10 * DAY && h.post.created_at < 20 * DAY)).toBe(true);
    expect(window).toHaveLength(10); // every post of those days, football ones by meaning order
    const italian = (await search.search({ q: 'pasta lang:it', limit: 50 })) as PostHit[];
    expect(italian).toHaveLength(15);
    expect(italian.every((h) => h.post.lang === 'it')).toBe(true);
    const without = (await search.search({ q: 'pasta -basil', limit: 20 })) as PostHit[];
    expect(without.length).toBe(20);
    expect(without.some((h) => h.post.text!.includes('basil'))).toBe(false);
  });

  it('a phrase makes the search lexical: every hit holds it', async () => {
    const phrase = posts()[0]!.text!.split(' ').slice(0, 2).join(' ');
    const hits = (await search.search({ q: `"${phrase}"`, limit: 50 })) as PostHit[];
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.post.text!.includes(phrase))).toBe(true);
  });

  it('answers odd queries normally, and an unknown from: with nothing', async () => {
    for (const q of ['the of and', '"unbalanced', 'bread AND (rye OR', '^.*$', '🍕🍕', '\uD800 lone', 'x'.repeat(10_000), 'from:nobody pasta']) {
      expect(Array.isArray(await search.search({ q, limit: 5 })), q).toBe(true);
    }
    expect(await search.search({ q: 'pasta from:nobody' })).toEqual([]);
  });

  it('indexes posts as they arrive, lexically even when they cannot be embedded', async () => {
    await search.ready();
    search.written('posts', [{ id: 'n1', author: 'eve', text: '東京 ramen', created_at: 200 * DAY, tags: [] }, { id: 'n2', author: 'eve', text: '', created_at: 200 * DAY, tags: ['emptytag'] }]);
    await store.write({ posts: [{ id: 'n1', author: 'eve', text: '東京 ramen', created_at: 200 * DAY, tags: [] }, { id: 'n2', author: 'eve', text: '', created_at: 200 * DAY, tags: ['emptytag'] }] });
    expect(ids(await search.search({ q: '東京', limit: 3 }))).toContain('n1');
    expect(ids(await search.search({ q: '#emptytag', limit: 3 }))).toContain('n2');
    expect(search.stats().posts).toBe(122);
    search.written('posts', [{ id: 'n3', author: 'eve', text: 'penalty striker referee', created_at: 201 * DAY, tags: [] }]);
    expect(search.stats().vectors).toBe(121);
  });

  it('personalizes: followed authors and the user’s own interests come first', async () => {
    await store.write({ follows: [{ follower: 'eve', followee: 'di' }] });
    const plain = (await search.search({ q: 'penalty match', limit: 10 })) as PostHit[];
    const personal = (await search.search({ q: 'penalty match', limit: 10, user: 'eve' })) as PostHit[];
    expect(personal.filter((h) => h.post.author === 'di').length).toBeGreaterThan(plain.filter((h) => h.post.author === 'di').length);
  });

  it('searches people and hashtags', async () => {
    const people = (await search.search({ q: 'striker', type: 'users' })) as UserHit[];
    expect(people.map((h) => h.user.id)).toEqual(['cy']);
    expect(((await search.search({ q: '@ana', type: 'users' })) as UserHit[])[0]!.user).toEqual({ id: 'ana', name: 'Ana Pasta' });
    const tags = (await search.search({ q: 'italian food', type: 'hashtags' })) as HashtagHit[];
    expect(tags[0]).toMatchObject({ tag: 'italianfood', posts: 60 });
    expect(await search.search({ q: '#nothing', type: 'hashtags' })).toEqual([]);
  });
});

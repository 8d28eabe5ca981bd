/**
 * The social safety and thread routes over HTTP: mutes, blocks, muted words, show less, the user's rules, replies,
 * the Following feed, the moderation queue and takedowns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { DAMPING } from '../../src/feed/safety.js';

let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();
const T1 = Date.parse('2026-01-03T00:00:00Z');

interface Page { items: { postId: string; post: { author: string; text: string }; parent?: { id: string }; explanation: string }[]; nextCursor?: string }

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false }, feed: { materializeUsers: 0, exploration: { every: 0 } } } });
  app = await createServer(engine);
  // A thread under c00 (by ana): ana continues it, then ben (whom ana follows) and fay reply; each reply liked differently.
  const replies = [
    { id: 'r1', author: 'fay', text: 'looks great', created_at: T1, tags: [], reply_to: 'c00' },
    { id: 'r2', author: 'ana', text: 'thanks, the secret is basil', created_at: T1 + 1000, tags: [], reply_to: 'c00' },
    { id: 'r3', author: 'cal', text: 'I tried it', created_at: T1 + 2000, tags: [], reply_to: 'c00' },
  ];
  for (const [kind, rows] of [['users', net.users], ['posts', [...net.posts, ...replies]], ['follows', net.follows], ['events', net.events]] as const) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  }
  await engine.train({ save: false });
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

const get = async (url: string): Promise<Page> => {
  const res = await app.inject(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};

describe('mutes, blocks and muted words', () => {
  it('a muted author leaves the next feed page and the Following feed; unmuting brings them back', async () => {
    const before = await get('/v1/users/ben/following-feed?limit=50');
    const author = before.items[0]!.post.author;
    const res = await app.inject({ method: 'POST', url: '/v1/users/ben/mutes', payload: { target: author } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: 'ben', muted: [author] });
    for (const url of ['/v1/users/ben/following-feed?limit=50', '/v1/users/ben/feed?limit=50']) {
      expect((await get(url)).items.map((i) => i.post.author)).not.toContain(author);
    }
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/ben/mutes/${author}` })).json()).toMatchObject({ muted: [] });
    expect((await get('/v1/users/ben/following-feed?limit=50')).items.map((i) => i.post.author)).toContain(author);
  });

  it('a block works both ways: the blocked account stops seeing the blocker\'s posts too, until unblocked', async () => {
    const before = await get('/v1/users/ben/following-feed?limit=50');
    const author = before.items[0]!.post.author;
    await get('/v1/users/ben/feed?limit=50'); // a first page kept in memory must not survive the block
    const block = await app.inject({ method: 'POST', url: `/v1/users/${author}/blocks`, payload: { target: 'ben' } });
    expect(block.statusCode, block.body).toBe(200);
    for (const url of ['/v1/users/ben/following-feed?limit=50', '/v1/users/ben/feed?limit=50']) {
      expect((await get(url)).items.map((i) => i.post.author)).not.toContain(author);
    }
    expect((await app.inject('/v1/users/ben/safety')).json()).toMatchObject({ blocked: [] });
    await app.inject({ method: 'DELETE', url: `/v1/users/${author}/blocks/ben` });
    expect((await get('/v1/users/ben/following-feed?limit=50')).items.map((i) => i.post.author)).toContain(author);
  });

  it('a blocked account leaves who-to-follow; blocking an unknown user is UNKNOWN_REFERENCE', async () => {
    const suggested = (await app.inject('/v1/users/ana/who-to-follow')).json() as { items: { userId: string }[] };
    const first = suggested.items[0]?.userId;
    expect(first).toBeDefined();
    expect((await app.inject({ method: 'POST', url: '/v1/users/ana/blocks', payload: { target: first } })).json()).toMatchObject({ blocked: [first] });
    const after = (await app.inject('/v1/users/ana/who-to-follow')).json() as { items: { userId: string }[] };
    expect(after.items.map((s) => s.userId)).not.toContain(first);
    const unknown = await app.inject({ method: 'POST', url: '/v1/users/ana/blocks', payload: { target: 'nobody' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE' });
    const self = await app.inject({ method: 'POST', url: '/v1/users/ana/blocks', payload: { target: 'ana' } });
    expect(self.statusCode).toBe(400);
    await app.inject({ method: 'DELETE', url: `/v1/users/ana/blocks/${first}` });
  });

  it('muted words replace the list, hide matching posts at once, and a list over the limit is MUTED_WORDS_LIMIT', async () => {
    const put = await app.inject({ method: 'PUT', url: '/v1/users/gus/muted-words', payload: { words: ['#Football', 'Final'] } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ mutedWords: ['#football', 'final'] });
    const page = await get('/v1/users/gus/feed?limit=50');
    for (const it of page.items) expect(it.post.text.toLowerCase()).not.toMatch(/football|final/);
    expect((await app.inject({ method: 'PUT', url: '/v1/users/gus/muted-words', payload: { words: ['final'] } })).json()).toMatchObject({ mutedWords: ['final'] });
    const over = await app.inject({ method: 'PUT', url: '/v1/users/gus/muted-words', payload: { words: Array.from({ length: 201 }, (_, k) => `w${k}`) } });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({ code: 'MUTED_WORDS_LIMIT' });
    expect((await app.inject('/v1/users/gus/safety')).json()).toMatchObject({ mutedWords: ['final'] });
    expect((await app.inject({ method: 'POST', url: '/v1/users/gus/mutes', payload: { word: 'x', target: 'ana' } })).statusCode).toBe(400);
  });

  it('show less takes the post out and is counted in the user\'s rules', async () => {
    const page = await get('/v1/users/hal/feed?limit=50');
    const item = page.items[0]!;
    const res = await app.inject({ method: 'POST', url: '/v1/users/hal/show-less', payload: { post: item.postId, source: 'in-network' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ showLess: 1 });
    expect((await get('/v1/users/hal/feed?limit=50')).items.map((i) => i.postId)).not.toContain(item.postId);
  });
});

describe('show less like this (planted)', () => {
  it('multiplies the author\'s posts by 0.3 and the tag\'s by 0.6 on the next request (hand computed)', async () => {
    // A post eve already liked (so it is out of her candidates and the blend's normalisation does not move): f10 by
    // fay, tagged #football. Her next list: fay's posts × 0.3 × 0.6, other #football posts × 0.6, the rest × 1.
    const liked = net.events.find((e) => e.user === 'eve' && e.type === 'like' && e.post?.startsWith('f1'))!.post!;
    const scores = async (): Promise<Map<string, { author: string; tags: string[]; score: number }>> =>
      new Map((await engine.feed('eve', { pageSize: 50 })).items.map((i) => [i.postId, { author: i.post.author, tags: i.post.tags, score: i.score }]));
    const before = await scores();
    const res = await app.inject({ method: 'POST', url: '/v1/users/eve/show-less', payload: { post: liked } });
    expect(res.statusCode, res.body).toBe(200);
    const after = await scores();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    let damped = 0;
    for (const [id, v] of after) {
      const expected = (v.author === 'fay' ? DAMPING.show_less.author : 1) * (v.tags.includes('football') ? DAMPING.show_less.tag : 1);
      expect(v.score / before.get(id)!.score, id).toBeCloseTo(expected, 6);
      if (expected < 1) damped++;
    }
    expect(damped).toBeGreaterThan(0);
  });
});

describe('threads and the Following feed', () => {
  it('serves replies chronologically and ranked (the author continuing first), paged, with NOT_FOUND for an unknown post', async () => {
    expect((await get('/v1/posts/c00/replies?order=chronological')).items.map((i) => i.postId)).toEqual(['r1', 'r2', 'r3']);
    const ranked = await get('/v1/posts/c00/replies?order=ranked&limit=1');
    expect(ranked.items.map((i) => i.postId)).toEqual(['r2']);
    expect(ranked.items[0]!.explanation).toBe('@ana continues the thread');
    const second = await get(`/v1/posts/c00/replies?order=ranked&limit=1&cursor=${encodeURIComponent(ranked.nextCursor!)}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.postId).not.toBe('r2');
    expect((await app.inject('/v1/posts/nope/replies')).json()).toMatchObject({ code: 'NOT_FOUND' });
    // A viewer who muted fay does not see her reply.
    await app.inject({ method: 'POST', url: '/v1/users/dee/mutes', payload: { target: 'fay' } });
    expect((await get('/v1/posts/c00/replies?order=chronological&viewer=dee')).items.map((i) => i.postId)).toEqual(['r2', 'r3']);
  });

  it('the Following feed is newest first across pages, without repeats, replies shown with their parent', async () => {
    const following = new Set(net.follows.filter((f) => f.follower === 'cal').map((f) => f.followee));
    const seen: string[] = [];
    let times: number[] = [];
    let cursor: string | undefined;
    do {
      const page = (await app.inject(`/v1/users/cal/following-feed?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json() as Page & { items: { post: { created_at: number } }[] };
      for (const it of page.items) {
        expect(following.has(it.post.author)).toBe(true);
        seen.push(it.postId);
        times.push(it.post.created_at);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const expected = net.posts.filter((p) => following.has(p.author)).length + (following.has('ana') ? 1 : 0);
    expect(seen.length).toBe(expected);
    times = [];
    const anaFollowers = net.follows.filter((f) => f.followee === 'ana').map((f) => f.follower);
    const page = await get(`/v1/users/${anaFollowers[0]!}/following-feed?limit=3`);
    expect(page.items[0]).toMatchObject({ postId: 'r2', parent: { id: 'c00' } });
  });
});

describe('moderation', () => {
  it('reports reach the admin queue, most reporters first; a takedown removes the post from every list for everyone', async () => {
    const now = Date.now();
    const reports = [
      { id: 'rep1', user: 'eve', type: 'report', post: 'c11', text: 'spam', timestamp: now },
      { id: 'rep2', user: 'fay', type: 'report', post: 'c11', text: 'spam', timestamp: now },
      { id: 'rep3', user: 'gus', type: 'report', post: 'f00', timestamp: now },
      { id: 'rep4', user: 'hal', type: 'report', target_user: 'dee', text: 'impersonation', timestamp: now },
    ];
    expect((await app.inject({ method: 'POST', url: '/v1/events', payload: reports })).statusCode).toBe(200);
    const queue = (await app.inject('/v1/admin/reports')).json() as { posts: { post: { id: string }; reporters: number; reasons: string[] }[]; accounts: { user: string }[] };
    expect(queue.posts.map((p) => [p.post.id, p.reporters])).toEqual([['c11', 2], ['f00', 1]]);
    expect(queue.posts[0]!.reasons).toEqual(['spam']);
    expect(queue.accounts.map((a) => a.user)).toEqual(['dee']);

    const down = await app.inject({ method: 'POST', url: '/v1/admin/posts/c11/takedown', payload: { reason: 'spam' } });
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json()).toMatchObject({ post: 'c11', reason: 'spam' });
    expect(((await app.inject('/v1/admin/reports')).json() as typeof queue).posts.map((p) => p.post.id)).toEqual(['f00']);
    const cooks = ['ana', 'ben', 'cal', 'dee'];
    for (const u of cooks) {
      expect((await get(`/v1/users/${u}/feed?limit=50`)).items.map((i) => i.postId)).not.toContain('c11');
      expect((await get(`/v1/users/${u}/following-feed?limit=50`)).items.map((i) => i.postId)).not.toContain('c11');
    }
    const search = (await app.inject('/v1/search?q=pasta&limit=50')).json() as { items: { post: { id: string } }[] };
    expect(search.items.length).toBeGreaterThan(0);
    expect(search.items.map((h) => h.post.id)).not.toContain('c11');
    expect((await app.inject('/v1/posts/c11/replies')).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.inject({ method: 'POST', url: '/v1/admin/posts/nope/takedown' })).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(((await app.inject('/v1/admin/audit')).json() as { entries: { action: string }[] }).entries[0]).toMatchObject({ action: 'takedown', subject: 'c11' });
  });
});

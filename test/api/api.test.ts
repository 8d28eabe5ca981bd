import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();

beforeAll(async () => {
  // The second stage on (feed.rankerWeight 0.5), so the background ranker trains and serves.
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-api-test-models` }, feed: { rankerWeight: 0.5 } } });
  app = await createServer(engine);
  for (const [kind, rows] of [['users', net.users], ['posts', net.posts], ['follows', net.follows], ['events', net.events]] as const) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  }
  await engine.train({ save: false });
  await engine.secondaryTraining();
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

describe('HTTP API', () => {
  it('serves health and stats', async () => {
    expect((await app.inject('/health')).json()).toMatchObject({ status: 'ok', trained: true, store: 'sqlite' });
    expect((await app.inject('/v1/stats')).json()).toMatchObject({ users: 8, posts: 24, events: net.events.length });
  });

  it('ingestion is idempotent: a retried batch changes nothing', async () => {
    const before = (await app.inject('/v1/stats')).json();
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: net.events.slice(0, 5) });
    expect(res.json()).toMatchObject({ events: 0, duplicateEvents: 5 });
    expect((await app.inject('/v1/stats')).json().events).toBe(before.events);
  });

  it('suggests hashtags for a draft from the app’s own posts, and refuses an oversized draft by name', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'fresh basil for my pasta tonight', author: 'ana', limit: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    const { hashtags } = res.json() as { hashtags: { tag: string; score: number; reason: string }[] };
    expect(hashtags[0]).toMatchObject({ tag: 'cooking' });
    expect(hashtags[0]!.reason).toMatch(/basil|pasta/);
    const long = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'x'.repeat(100_000) } });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'hi', limit: 0 } })).statusCode).toBe(400);
  });

  it('explains each item with attributions that sum to its score (explain=full), and only when asked', async () => {
    interface Attributed { postId: string; score: number; sources: string[]; attribution?: { baseline: number; score: number; contributions: { group: string; kind: string; value: number }[] } }
    let rankerGroups = 0;
    for (const user of ['ana', 'cal', 'eve', 'hal']) {
      const res = await app.inject(`/v1/users/${user}/feed?limit=10&explain=full`);
      expect(res.statusCode, res.body).toBe(200);
      const { items } = res.json() as { items: Attributed[] };
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        const at = it.attribution!;
        // Efficiency on the served ranking: the contributions account for the whole score.
        expect(at.baseline + at.contributions.reduce((s, c) => s + c.value, 0)).toBeCloseTo(it.score, 5);
        expect(at.score).toBeCloseTo(it.score, 5);
        for (const source of it.sources) expect(at.contributions.some((c) => c.kind === 'source' && c.group === source)).toBe(true);
        rankerGroups += at.contributions.filter((c) => c.group.startsWith('ranker:')).length;
      }
    }
    expect(rankerGroups).toBeGreaterThan(0);
    const plain = (await app.inject('/v1/users/ana/feed?limit=10')).json() as { items: Attributed[] };
    expect(plain.items.every((it) => it.attribution === undefined)).toBe(true);
    expect((await app.inject('/v1/users/ana/feed?explain=some')).statusCode).toBe(400);
  });

  it('an event id reused for another fact is a 409 naming the ids; nothing of the batch is stored', async () => {
    const before = (await app.inject('/v1/stats')).json();
    const [a, b] = net.events;
    const other = net.users.find((u) => u.id !== a!.user)!.id;
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: [{ ...b!, id: 'brand-new' }, { ...a!, user: other }] });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'EVENT_ID_CONFLICT' });
    expect(res.json().message).toContain(JSON.stringify(a!.id));
    expect((await app.inject('/v1/stats')).json().events).toBe(before.events);
  });

  it('a post sent without tags is tagged with the hashtags of its text', async () => {
    const author = net.users[0]!.id;
    const res = await app.inject({ method: 'POST', url: '/v1/posts', payload: [{ id: 'hashtagged', author, text: 'Crumb shot #Baking #sourdough', created_at: Date.now() - 1000 }, { id: 'own-tags', author, text: 'More #baking', tags: ['bread'], created_at: Date.now() - 1000 }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await engine.store.getPost('hashtagged'))?.tags).toEqual(['baking', 'sourdough']);
    expect((await engine.store.getPost('own-tags'))?.tags).toEqual(['bread']);
  });

  it('returns a feed of unseen posts of the user’s own interest group, with explanations and a cursor', async () => {
    const res = await app.inject('/v1/users/ana/feed?limit=4');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: { postId: string; explanation: string; source: string; post: { author: string } }[]; nextCursor?: string };
    expect(page.items.length).toBeGreaterThan(0);
    const liked = new Set(net.events.filter((e) => e.user === 'ana').map((e) => e.post));
    for (const it of page.items) {
      expect(liked.has(it.postId)).toBe(false);
      expect(it.post.author).not.toBe('ana');
      expect(it.explanation.length).toBeGreaterThan(5);
    }
    expect(page.items[0]!.postId.startsWith('c')).toBe(true);
    if (page.nextCursor) {
      const next = (await app.inject(`/v1/users/ana/feed?limit=4&cursor=${encodeURIComponent(page.nextCursor)}`)).json() as typeof page;
      const first = new Set(page.items.map((i) => i.postId));
      for (const it of next.items) expect(first.has(it.postId)).toBe(false);
    }
  });

  it('gives each feed response a request id that events echo as request_id (a malformed one is stored unjoined)', async () => {
    const a = (await app.inject('/v1/users/gus/feed?limit=2')).json() as { requestId: string; items: { postId: string }[] };
    const b = (await app.inject('/v1/users/gus/feed?limit=2')).json() as typeof a;
    expect(a.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.requestId).not.toBe(a.requestId);
    const events = [
      { id: 'rq1', user: 'gus', type: 'like', post: a.items[0]!.postId, timestamp: Date.now(), request_id: a.requestId },
      { id: 'rq2', user: 'gus', type: 'view', post: a.items[1]!.postId, timestamp: Date.now(), request_id: 12345 },
    ];
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: events });
    expect(res.statusCode, res.body).toBe(200);
    expect((await app.inject('/v1/stats')).json().feedback).toMatchObject({ joined: 1, malformed: 1 });
    const tooLong = await app.inject({ method: 'POST', url: '/v1/events', payload: [{ ...events[0], id: 'rq3', request_id: 'x'.repeat(65) }] });
    expect(tooLong.json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('materializes first pages after training, and a new post by a followee reaches the follower at once', async () => {
    expect((await app.inject('/v1/stats')).json().materializedFeeds).toBe(8);
    const before = (await app.inject('/v1/users/eve/feed')).json() as { items: { postId: string }[] };
    expect((await app.inject('/v1/users/eve/feed')).json().items).toEqual(before.items); // served from memory
    const fresh = { id: 'fresh-fay', author: 'fay', text: 'breaking: a last-minute goal #football', created_at: Date.now() - 60_000, tags: ['football'] };
    expect((await app.inject({ method: 'POST', url: '/v1/posts', payload: [fresh] })).statusCode).toBe(200);
    const after = (await app.inject('/v1/users/eve/feed')).json() as { items: { postId: string; explanation: string }[] };
    expect(after.items.find((i) => i.postId === 'fresh-fay')?.explanation).toBe('You follow @fay');
  });

  it('trains the second-stage models in the background and serves behaviour predictions', async () => {
    const s = (await app.inject('/v1/stats')).json();
    expect(s.ranker).toBe('ready');
    expect(s.behavior).toBe('ready');
    const res = await app.inject('/v1/users/ana/behavior');
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json() as { nextAction: Record<string, number>; churnRisk: number };
    expect(b.churnRisk).toBeGreaterThanOrEqual(0);
    expect(b.churnRisk).toBeLessThanOrEqual(1);
    const total = Object.values(b.nextAction).reduce((x, y) => x + y, 0);
    expect(total).toBeCloseTo(1, 5);
    expect((await app.inject('/v1/users/nobody/behavior')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('suggests whom to follow with social proof, never the user or whom they follow', async () => {
    // ana follows ben and cal; ben follows dee, and ana and dee both like #cooking posts.
    const res = await app.inject('/v1/users/ana/who-to-follow?limit=5');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { user: string; items: { userId: string; score: number; reasons: string[]; proof: { kind: string; users?: string[] }[] }[] };
    expect(body.user).toBe('ana');
    expect(body.items[0]).toMatchObject({ userId: 'dee', reasons: ['followed by @ben you follow', 'you both like #cooking'] });
    expect(body.items[0]!.proof[0]).toEqual({ kind: 'followed-by', users: ['ben'], total: 1 });
    for (const it of body.items) expect(['ana', 'ben', 'cal']).not.toContain(it.userId);
    expect((await app.inject('/v1/users/ana/who-to-follow?limit=0')).json()).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await app.inject('/v1/users/nobody/who-to-follow')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives every ingested post a sentiment', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/posts', payload: [{ id: 'mood1', author: 'ana', text: 'I love this, it is wonderful!', created_at: 1 }, { id: 'mood2', author: 'ana', text: 'awful, I hate it', created_at: 2 }] });
    expect(res.statusCode).toBe(200);
    const [a, b] = await engine.store.getPosts(['mood1', 'mood2']).then((ps) => ps.sort((x, y) => x.id.localeCompare(y.id)));
    expect(a!.features).toMatchObject({ sentiment: 'positive' });
    expect(b!.features).toMatchObject({ sentiment: 'negative' });
    expect(Number(b!.features!.sentiment_score)).toBeLessThan(-0.05);
  });

  it('finds similar posts and searches text', async () => {
    const sim = (await app.inject('/v1/posts/c00/similar?limit=3')).json() as { items: { post: { id: string } }[] };
    expect(sim.items.length).toBeGreaterThan(0);
    expect(sim.items.every((s) => s.post.id !== 'c00')).toBe(true);
    const hits = (await app.inject('/v1/search?q=basil')).json() as { items: { post: { id: string } }[] };
    expect(hits.items.length).toBe(12);
    expect(hits.items.every((h) => h.post.id.startsWith('c'))).toBe(true);
    expect((await app.inject('/v1/trending?k=5')).json().items.length).toBeGreaterThan(0);
    const tags = (await app.inject('/v1/trending?kind=hashtags&limit=2')).json() as { items: { tag: string; label: string; score: number }[] };
    expect(tags.items.map((t) => t.tag).sort()).toEqual(['cooking', 'football']);
    expect(tags.items[0]!.label).toMatch(/^#/);
    const topics = (await app.inject('/v1/trending?kind=topics&k=3')).json() as { items: { words: string[]; label: string; score: number }[] };
    expect(topics.items.length).toBeGreaterThan(0);
    const top = topics.items[0]!.words;
    expect(top.includes('#cooking') !== top.includes('#football')).toBe(true); // one subject, not a mix
    expect((await app.inject('/v1/trending?kind=people')).json()).toMatchObject({ code: 'INVALID_INPUT' });
    // `limit` everywhere; `k`, the old name, still read, and both with different values refused by name.
    expect((await app.inject('/v1/posts/c00/similar?k=2')).json().items).toHaveLength(2);
    expect((await app.inject('/v1/posts/c00/similar?k=2&limit=2')).json().items).toHaveLength(2);
    expect((await app.inject('/v1/trending?kind=hashtags&limit=2&k=3')).json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^k: is the old name of "limit"/) });
  });

  it("serves a user's interest profile, explained, and takes a new like in at the next request", async () => {
    const before = (await app.inject('/v1/users/cal/profile'));
    expect(before.statusCode, before.body).toBe(200);
    const b = before.json() as { user: string; posts: number; hashtags: { tag: string; posts: number; explanation: string }[]; topics: { share: number }[]; centroid: { term: string }[]; sentiment: { label: string } };
    expect(b.user).toBe('cal');
    expect(b.hashtags.map((h) => h.tag)).toEqual(['cooking']);
    expect(b.hashtags[0]!.explanation).toMatch(new RegExp(`^you engaged with ${b.hashtags[0]!.posts} posts about #cooking`));
    expect(b.topics.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 6);
    expect(b.centroid.length).toBeGreaterThan(0);
    const like = await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'profile-like-1', user: 'cal', type: 'like', post: 'f00', timestamp: Date.now() - 1000 }] });
    expect(like.statusCode, like.body).toBe(200);
    const after = (await app.inject('/v1/users/cal/profile')).json() as typeof b;
    expect(after.posts).toBe(b.posts + 1);
    expect(after.hashtags.find((h) => h.tag === 'football')).toMatchObject({ posts: 1, explanation: 'you engaged with 1 post about #football in the last 30 days' });
    expect((await app.inject('/v1/users/nobody/profile')).json()).toMatchObject({ code: 'NOT_FOUND' });
    const rising = (await app.inject('/v1/trending?kind=hashtags&order=rising')).json() as { order: string; items: { rising: boolean }[] };
    expect(rising.order).toBe('rising');
    for (const t of rising.items) expect(t.rising).toBe(true);
    const tags = (await app.inject('/v1/trending?kind=hashtags')).json() as { items: { burst: number; rising: boolean }[] };
    for (const t of tags.items) expect(typeof t.burst).toBe('number');
  });

  describe('bad input gets a clear error and writes nothing', () => {
    const cases: [string, string, string | object, number, string, RegExp][] = [
      ['malformed JSON', '/v1/users', '[{"id": "x",', 400, 'INVALID_JSON', /malformed JSON/],
      ['wrong type', '/v1/posts', [{ id: 'p', author: 'ana', created_at: 'never' }], 400, 'INVALID_INPUT', /posts\[0\]\.created_at/],
      ['not an array', '/v1/users', { id: 'x' }, 400, 'INVALID_INPUT', /expected a JSON array/],
      ['unknown reference', '/v1/events', [{ id: 'zz1', user: 'ana', type: 'like', post: 'nope', timestamp: 1 }], 422, 'UNKNOWN_REFERENCE', /nope/],
      ['duplicate ids', '/v1/users', [{ id: 'dup', name: 'a' }, { id: 'dup', name: 'b' }], 400, 'DUPLICATE_ID', /dup/],
      ['lone surrogate escaped in JSON', '/v1/users', '[{"id": "sur\\ud800"}]', 400, 'INVALID_INPUT', /^users\[0\]\.id: must not contain a lone UTF-16 surrogate/],
      ['self-follow', '/v1/follows', [{ follower: 'ana', followee: 'ana' }], 400, 'INVALID_INPUT', /^follows\[0\]\.followee: a user cannot follow themselves/],
      ['follow event aimed at oneself', '/v1/events', [{ id: 'self1', user: 'ana', type: 'follow', target_user: 'ana', timestamp: 1 }], 400, 'INVALID_INPUT', /target_user: a user cannot follow themselves/],
      ['huge features', '/v1/users', [{ id: 'fat', features: { blob: 'x'.repeat(11_000_000) } }], 400, 'INVALID_INPUT', /^users\[0\]\.features\.blob: must be at most 256 characters/],
      ['far-out timestamp', '/v1/events', [{ id: 'far1', user: 'ana', type: 'like', post: 'c1', timestamp: 1e308 }], 400, 'INVALID_INPUT', /events\[0\]\.timestamp: expected an ISO-8601 date/],
      ['a year given as a string', '/v1/events', [{ id: 'far2', user: 'ana', type: 'like', post: 'c1', timestamp: ' 1 ' }], 400, 'INVALID_INPUT', /events\[0\]\.timestamp/],
    ];
    for (const [name, url, payload, status, code, message] of cases) {
      it(name, async () => {
        const before = (await app.inject('/v1/stats')).json();
        const res = await app.inject({ method: 'POST', url, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
        expect(res.statusCode).toBe(status);
        const body = res.json();
        expect(body).toMatchObject({ code, statusCode: status });
        expect(body.message).toMatch(message);
        expect(typeof body.error).toBe('string');
        const after = (await app.inject('/v1/stats')).json();
        expect(after).toMatchObject({ users: before.users, posts: before.posts, events: before.events });
      });
    }

    it('oversized batch', async () => {
      const rows = Array.from({ length: 10_001 }, (_, i) => ({ id: `big${i}` }));
      const res = await app.inject({ method: 'POST', url: '/v1/users', payload: rows });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('BATCH_TOO_LARGE');
    });

    it('posts are capped at 500 a batch, so that a batch of the largest valid posts fits the body limit', async () => {
      const rows = Array.from({ length: 501 }, (_, i) => ({ id: `many${i}`, author: 'ana', created_at: 1 }));
      const res = await app.inject({ method: 'POST', url: '/v1/posts', payload: rows });
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toBe('batch of 501 posts exceeds the limit of 500');
    });

    it('invalid UTF-8', async () => {
      const body = Buffer.concat([Buffer.from('[{"id": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]);
      const res = await app.inject({ method: 'POST', url: '/v1/users', payload: body, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('INVALID_UTF8');
    });

    it('unknown user and post ids give 404', async () => {
      expect((await app.inject('/v1/posts/nope/similar')).json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
      expect((await app.inject('/v1/nothing-here')).statusCode).toBe(404);
    });
  });

  it('publishes an OpenAPI document', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/users/{id}/feed', '/v1/search']));
  });
});

describe('API keys and scopes', () => {
  it('rejects missing keys and keys without the scope', async () => {
    const apiKeys = [{ hash: hashSecret('reader-key-123'), scopes: ['read' as const] }, { hash: hashSecret('writer-key-123'), scopes: ['write' as const] }];
    const e = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: { apiKeys } } });
    const a = await createServer(e);
    try {
      expect((await a.inject('/v1/stats')).json()).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401 });
      expect((await a.inject({ url: '/v1/stats', headers: { 'x-api-key': 'reader-key-123' } })).statusCode).toBe(200);
      const denied = await a.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'x' }], headers: { 'x-api-key': 'reader-key-123' } });
      expect(denied.json()).toMatchObject({ code: 'FORBIDDEN', statusCode: 403 });
      const ok = await a.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'x' }], headers: { authorization: 'Bearer writer-key-123' } });
      expect(ok.statusCode).toBe(200);
    } finally {
      await a.close();
      await e.close();
    }
  });

  it('rate-limits', async () => {
    const e = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: { rateLimit: { max: 3, timeWindowMs: 60_000 } } } });
    const a = await createServer(e);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await a.inject('/v1/stats')).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      expect((await a.inject('/v1/stats')).json()).toMatchObject({ code: 'RATE_LIMITED', statusCode: 429 });
    } finally {
      await a.close();
      await e.close();
    }
  });

  // Last: the retrained snapshot includes the events the other tests wrote (today's clock), which changes trending.
  it('POST /v1/admin/train answers 202 at once and retrains in the background', async () => {
    const before = (await app.inject('/v1/stats')).json().trainedAt as string;
    const res = await app.inject({ method: 'POST', url: '/v1/admin/train' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ retraining: 'running' });
    await engine.retrain(); // the one running
    const after = (await app.inject('/v1/stats')).json() as { trainedAt: string; retraining: string };
    expect(after.retraining).toBe('idle');
    expect(Date.parse(after.trainedAt)).toBeGreaterThanOrEqual(Date.parse(before));
    await engine.secondaryTraining();
  });

});

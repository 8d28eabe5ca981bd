import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-search-test-models` } } });
  app = await createServer(engine);
  for (const [kind, rows] of [['users', net.users], ['posts', net.posts], ['follows', net.follows], ['events', net.events]] as const) {
    expect((await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows })).statusCode).toBe(200);
  }
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

describe('GET /v1/search', () => {
  it('searches posts with operators, people and hashtags, and sees posts written after the first search', async () => {
    const post = net.posts[0]!;
    const word = post.text!.match(/\p{L}{4,}/u)![0].toLowerCase();
    const hits = (await app.inject(`/v1/search?q=${word}&user=ana`)).json() as { items: { post: { id: string; author: string } }[] };
    expect(hits.items.map((h) => h.post.id)).toContain(post.id);
    const from = (await app.inject(`/v1/search?q=${word}%20from:${post.author}`)).json() as typeof hits;
    expect(from.items.every((h) => h.post.author === post.author)).toBe(true);
    const people = (await app.inject(`/v1/search?q=${net.users[0]!.id}&type=users`)).json() as { items: { user: { id: string } }[] };
    expect(people.items[0]!.user.id).toBe(net.users[0]!.id);
    await app.inject({ method: 'POST', url: '/v1/posts', payload: [{ id: 'late', author: net.users[0]!.id, text: 'zanzibar sunrise', created_at: Date.now() - 1000, tags: ['zanzibartrip'] }] });
    expect(((await app.inject('/v1/search?q=zanzibar')).json() as typeof hits).items.map((h) => h.post.id)).toEqual(['late']);
    expect(((await app.inject('/v1/search?q=zanzibar&type=hashtags')).json() as { items: { tag: string }[] }).items[0]!.tag).toBe('zanzibartrip');
  });

  it('never returns an erased account or its posts', async () => {
    const gone = net.users[1]!.id;
    const word = net.posts.find((p) => p.author === gone)!.text!.match(/\p{L}{4,}/u)![0].toLowerCase();
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/${gone}` })).statusCode).toBe(200);
    const people = (await app.inject(`/v1/search?q=${gone}&type=users`)).json() as { items: { user: { id: string } }[] };
    expect(people.items.map((h) => h.user.id)).not.toContain(gone);
    const posts = (await app.inject(`/v1/search?q=${word}`)).json() as { items: { post: { author: string } }[] };
    expect(posts.items.map((h) => h.post.author)).not.toContain(gone);
  });

  it('answers bad input with a result or a named 400, never a 500', async () => {
    const queries = ['x'.repeat(10_000), 'the of and a', '"unbalanced', 'bread AND (rye OR NEAR(', '.*[a-z]+$', '🍕🎉', 'from:nobody pasta', 'since:someday'];
    // A lone surrogate cannot be URI-encoded: its bytes as they would arrive.
    for (const q of [...queries.map(encodeURIComponent), '%ED%A0%80', 'a%ED%A0%80b']) {
      const res = await app.inject(`/v1/search?q=${q}`);
      expect([200, 400], q).toContain(res.statusCode);
      if (res.statusCode === 400) expect(res.json().code).toBe('INVALID_INPUT');
    }
    expect((await app.inject('/v1/search?q=pasta&type=videos')).statusCode).toBe(400);
    expect(((await app.inject('/v1/search?q=pasta%20from:nobody')).json() as { items: unknown[] }).items).toEqual([]);
  });
});

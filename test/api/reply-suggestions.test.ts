import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { createRng } from '../../src/core/rng.js';

/**
 * Planted reply threads: question words q0..q79 each have an answer word a_((7k+3) mod 80); post p<i> asks two
 * questions and its reply r<i> (another user) gives the two answers. ana switched smart replies off.
 */
const answer = (k: number): number => (7 * k + 3) % 80;
const rng = createRng(3);
const threads = Array.from({ length: 800 }, (_, i) => {
  const a = rng.int(80);
  let b = rng.int(79);
  if (b >= a) b++;
  return { a, b, i };
});
const users = [...Array.from({ length: 10 }, (_, u) => ({ id: `u${u}` })), { id: 'ana', smartReplies: false }, { id: 'bob' }];
const T0 = 1_700_000_000_000;
const posts = threads.flatMap(({ a, b, i }) => [
  { id: `p${i}`, author: `u${i % 10}`, text: `hey q${a} and q${b}`, created_at: T0 + i * 1000 },
  { id: `r${i}`, author: `u${(i + 1) % 10}`, text: `a${answer(a)} so a${answer(b)}`, created_at: T0 + i * 1000 + 500, reply_to: `p${i}` },
]);
const events = Array.from({ length: 200 }, (_, k) => ({ id: `e${k}`, user: `u${k % 10}`, type: 'like', post: `p${(k * 7) % 800}`, timestamp: T0 + 900_000 + k }));

describe('GET /v1/posts/{id}/reply-suggestions', () => {
  let engine: Engine, app: FastifyInstance;
  beforeAll(async () => {
    engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false, validate: false }, feed: { materializeUsers: 0 } } });
    app = await createServer(engine);
    for (const [kind, rows] of [['users', users], ['posts', posts], ['events', events]] as const) {
      for (let s = 0; s < rows.length; s += 500) {
        const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows.slice(s, s + 500) });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    await engine.train({ save: false });
    await engine.secondaryTraining();
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('suggests the planted answer first, at most `limit` replies, each with a score and a confidence', async () => {
    expect((await engine.stats()).replies).toBe('ready');
    const res = await app.inject('/v1/posts/p0/reply-suggestions?user=bob');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { replies: { text: string; score: number; confidence: number }[] };
    expect(body.replies.length).toBeGreaterThanOrEqual(1);
    expect(body.replies.length).toBeLessThanOrEqual(3);
    const { a, b } = threads[0]!;
    expect(body.replies[0]!.text.split(' ').filter((w) => w.startsWith('a')).sort()).toEqual([`a${answer(a)}`, `a${answer(b)}`].sort());
    expect(body.replies[0]!.confidence).toBeGreaterThan(0.5);
    expect((await app.inject('/v1/posts/p0/reply-suggestions?limit=1')).json().replies).toHaveLength(1);
  });

  it('honours the user\'s opt-out (smartReplies: false)', async () => {
    expect((await app.inject('/v1/posts/p0/reply-suggestions?user=ana')).json()).toEqual({ replies: [], suppressed: 'opted_out', reason: 'this user switched smart replies off' });
    // Switching it back on is a user write like any other.
    await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'ana', smartReplies: true }] });
    expect((await app.inject('/v1/posts/p0/reply-suggestions?user=ana')).json().replies.length).toBeGreaterThan(0);
  });

  it('answers named errors: unknown post 404, bad limit 400', async () => {
    expect((await app.inject('/v1/posts/nothing/reply-suggestions')).json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    expect((await app.inject('/v1/posts/p0/reply-suggestions?limit=11')).json()).toMatchObject({ code: 'INVALID_INPUT', statusCode: 400 });
  });
});

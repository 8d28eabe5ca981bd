/**
 * Languages and media vectors over HTTP: an unknown language code and a bad vector are named 400 errors; a user's
 * languages are accepted; a Chinese word is found by `GET /v1/search`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, features: { vectors: { image: { dim: 4 } } } } });
  app = await createServer(engine);
  expect((await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'w', languages: ['zh', 'en-GB'] }] })).statusCode).toBe(200);
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

const post = (extra: Record<string, unknown>): Record<string, unknown> => ({ id: 'p', author: 'w', text: '周末在厨房包饺子', created_at: '2026-01-01T00:00:00Z', ...extra });

describe('languages and vectors over HTTP', () => {
  it('answers 400 UNKNOWN_LANGUAGE for an unknown code, and VECTOR_INVALID for a wrong dimension', async () => {
    const lang = await app.inject({ method: 'POST', url: '/v1/posts', payload: [post({ lang: 'xx' })] });
    expect(lang.statusCode).toBe(400);
    expect(lang.json()).toMatchObject({ code: 'UNKNOWN_LANGUAGE', message: expect.stringContaining('posts[0].lang') });
    const vector = await app.inject({ method: 'POST', url: '/v1/posts', payload: [post({ features: { vectors: { image: [1, 2, 3] } } })] });
    expect(vector.statusCode).toBe(400);
    expect(vector.json()).toMatchObject({ code: 'VECTOR_INVALID', message: 'posts[0].features.vectors.image: expected 4 values, got 3' });
    const user = await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'v', languages: ['nope'] }] });
    expect(user.json()).toMatchObject({ code: 'UNKNOWN_LANGUAGE', statusCode: 400 });
  });

  it('stores a Chinese post with its identified language and finds it by a word inside it', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/posts', payload: [post({ features: { vectors: { image: [0, 1, 0, 0.5] } } })] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await engine.store.getPost('p'))!.lang).toBe('zh');
    const hits = (await app.inject('/v1/search?q=' + encodeURIComponent('饺子'))).json() as { items: { post: { id: string } }[] };
    expect(hits.items.map((h) => h.post.id)).toEqual(['p']);
  });
});

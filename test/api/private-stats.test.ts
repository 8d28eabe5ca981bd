/**
 * Differentially private aggregates over HTTP: noisy trending hashtags and stats, the budget spent and left in each
 * answer, PRIVACY_BUDGET_EXCEEDED (429 with retry-after) once a release's daily budget is used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import type { ResonateConfigInput } from '../../src/core/config.js';

const apps: { engine: Engine; app: FastifyInstance }[] = [];

afterEach(async () => {
  for (const { engine, app } of apps.splice(0)) {
    await app.close();
    await engine.close();
  }
});

async function serverWith(dp: NonNullable<ResonateConfigInput['privacy']>['dp']): Promise<FastifyInstance> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, privacy: { dp } } });
  const app = await createServer(engine);
  apps.push({ engine, app });
  // 200 users engage with a #garden post, 2 with a #secret one; one user likes the garden post 1,000 times.
  const t = Date.now() - 60_000;
  const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}` }));
  const posts = [
    { id: 'p1', author: 'u0', text: 'basil', created_at: t, tags: ['#garden'] },
    { id: 'p2', author: 'u1', text: 'hush', created_at: t, tags: ['secret'] },
  ];
  const events = [
    ...users.map((u, i) => ({ id: `e${i}`, user: u.id, type: 'like', post: 'p1', timestamp: t })),
    { id: 's1', user: 'u5', type: 'like', post: 'p2', timestamp: t },
    { id: 's2', user: 'u6', type: 'comment', post: 'p2', timestamp: t },
    ...Array.from({ length: 1000 }, (_, i) => ({ id: `x${i}`, user: 'u7', type: 'view', post: 'p1', timestamp: t + i })),
  ];
  for (const [kind, rows] of [['users', users], ['posts', posts], ['events', events]] as const) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  }
  return app;
}

describe('GET /v1/private/trending', () => {
  it('answers noisy hashtag counts above the threshold, and the ε spent and left', async () => {
    const app = await serverWith({ epsilon: 3, delta: 1e-6 });
    const res = await app.inject('/v1/private/trending?kind=hashtags');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.kind).toBe('hashtags');
    expect(body.items.map((i: { tag: string }) => i.tag)).toEqual(['garden']);
    expect(body.items[0].label).toBe('#garden');
    expect(Math.abs(body.items[0].count - 200)).toBeLessThan(15);
    expect(body.privacy).toMatchObject({ release: 'trending-hashtags', mechanism: 'laplace', epsilon: 3, delta: 1e-6, l0: 3, linf: 1, reused: false });
    expect(body.privacy.budget).toMatchObject({ budget: { epsilon: 24, delta: 1e-4 }, spent: { epsilon: 3, delta: 1e-6 }, left: { epsilon: 21 } });
    // Served again within reuseSeconds: the same numbers, nothing more spent.
    const again = (await app.inject('/v1/private/trending?kind=hashtags')).json();
    expect(again.items).toEqual(body.items);
    expect(again.privacy.reused).toBe(true);
    expect(again.privacy.budget.spent.epsilon).toBe(3);
  });

  it('refuses a release over its daily budget with PRIVACY_BUDGET_EXCEEDED (429, retry-after)', async () => {
    const app = await serverWith({ epsilon: 1, budgetPerDay: { epsilon: 2 }, reuseSeconds: 0 });
    for (let i = 0; i < 2; i++) expect((await app.inject('/v1/private/trending?kind=posts')).statusCode).toBe(200);
    const res = await app.inject('/v1/private/trending?kind=posts');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ code: 'PRIVACY_BUDGET_EXCEEDED', statusCode: 429 });
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    // Another release name has its own budget.
    expect((await app.inject('/v1/private/trending?kind=hashtags')).statusCode).toBe(200);
  });

  it('refuses an unknown kind', async () => {
    const app = await serverWith({});
    const res = await app.inject('/v1/private/trending?kind=topics');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_INPUT');
  });
});

describe('GET /v1/private/stats', () => {
  it('answers noisy counts of users, posts and events with the gaussian mechanism', async () => {
    const app = await serverWith({ mechanism: 'gaussian', epsilon: 8 });
    const res = await app.inject('/v1/private/stats');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const sd = body.privacy.noiseSd;
    expect(Math.abs(body.users - 200)).toBeLessThan(6 * sd);
    // 202 events plus user u7's 1,000 views capped at statsCap (10).
    expect(Math.abs(body.events - 212)).toBeLessThan(6 * sd);
    expect(body.posts).toBeGreaterThanOrEqual(0);
    expect(body.privacy).toMatchObject({ release: 'stats', mechanism: 'gaussian', epsilon: 8, l0: 3, linf: 10 });
  });
});

/** The experiment routes: admin only, the configured experiments, a report of served and answered pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../../src/api/api-keys.js';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

const ADMIN = 'admin-key-123456', READER = 'reader-key-123456';
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0 },
      impressions: { flushMs: 10 },
      server: { apiKeys: [{ hash: hashSecret(ADMIN), scopes: ['admin', 'read', 'write'] }, { hash: hashSecret(READER), scopes: ['read'] }] },
      experiments: [{ name: 'page', start: new Date(Date.now() - 60_000).toISOString(), arms: [{ name: 'control', share: 0.5 }, { name: 'narrow', share: 0.5, feed: { authorCap: 1 } }] }],
    },
  });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
  app = await createServer(engine);
});
afterAll(async () => {
  await app.close();
  await engine.close();
});

describe('experiment routes', () => {
  it('lists the configured experiments', async () => {
    const res = await app.inject({ url: '/v1/admin/experiments', headers: { 'x-api-key': ADMIN } });
    expect(res.json()).toMatchObject({ items: [{ name: 'page', running: true, stop: null, arms: [{ name: 'control', share: 0.5 }, { name: 'narrow', share: 0.5, feed: { authorCap: 1 } }] }] });
  });

  it('reports the pages served, for an admin only', async () => {
    let items = 0;
    for (const user of ['ana', 'ben', 'cal', 'dee', 'eve', 'fay', 'gus', 'hal']) {
      const page = (await app.inject({ url: `/v1/users/${user}/feed?limit=5`, headers: { 'x-api-key': ADMIN } })).json() as { items: unknown[] };
      items += page.items.length;
    }
    const end = Date.now() + 5_000;
    let report: { arms: { users: number; impressions: number }[]; sampleRatio: { pValue: number } } | undefined;
    while (Date.now() < end) {
      report = (await app.inject({ url: '/v1/admin/experiments/page', headers: { 'x-api-key': ADMIN } })).json();
      if (report!.arms.reduce((s, a) => s + a.impressions, 0) === items) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(report!.arms.reduce((s, a) => s + a.impressions, 0)).toBe(items);
    expect(report!.arms.reduce((s, a) => s + a.users, 0)).toBe(8);
    expect(report!.sampleRatio.pValue).toBeGreaterThan(0.001);
    expect((await app.inject({ url: '/v1/admin/experiments/page', headers: { 'x-api-key': READER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.inject({ url: '/v1/admin/experiments/nope', headers: { 'x-api-key': ADMIN } })).json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
  });

  it('refuses an arm that weights a source the feed does not have', async () => {
    const bad = createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, experiments: [{ name: 'x', arms: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.5, feed: { sources: { 'item-knn': 2 } } }] }] } });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('experiments.0.arms.1.feed.sources.item-knn') });
  });
});

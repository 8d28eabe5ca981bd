import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { createClient, ResonateApiError, type ResonateClient } from '../../src/client/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

/**
 * The typed client against a live server (a real socket, the global fetch), and every answer it gets checked
 * against the schema the OpenAPI document gives for it: the document describes what the routes really return.
 */

const KEY = 'test-admin-key-0123456789';
let engine: Engine;
let app: FastifyInstance;
let api: ResonateClient;
let baseUrl: string;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

/** Parses `body` with the documented success schema of `method path`; throws with the first mismatch. */
function conforms(method: string, path: string, body: unknown): void {
  const op = doc.paths[path]?.[method];
  const status = ['200', '201', '202'].find((s) => op?.responses[s] !== undefined);
  const schema = status === undefined ? undefined : op!.responses[status]!.content?.['application/json']?.schema;
  expect(schema, `${method.toUpperCase()} ${path}: documented`).toBeDefined();
  const r = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(body);
  expect(r.success ? [] : r.error.issues.slice(0, 3), `${method.toUpperCase()} ${path}: the answer fits its documented schema`).toEqual([]);
}

beforeAll(async () => {
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-client-test-models` },
      server: { apiKeys: [{ hash: hashSecret(KEY), scopes: ['admin'], name: 'client-test' }] },
    },
  });
  app = await createServer(engine);
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  doc = app.swagger() as unknown as typeof doc;
  api = createClient({ baseUrl, apiKey: KEY });
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

describe('the typed client', () => {
  it('ingests every row kind, then reads the feed, search and similar posts of the trained models', async () => {
    const net = smallNetwork();
    const users = await api.ingest('users', net.users);
    expect(users.users).toBe(net.users.length);
    conforms('post', '/v1/users', users);
    await api.ingest('posts', net.posts);
    await api.ingest('follows', net.follows);
    const events = await api.ingest('events', net.events);
    expect(events).toMatchObject({ events: net.events.length, duplicateEvents: 0 });
    conforms('post', '/v1/events', events);
    await engine.train({ save: false });

    const page = await api.feed('ana', { limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.items.every((i) => i.post.author !== 'ana')).toBe(true);
    expect(typeof page.requestId).toBe('string');
    conforms('get', '/v1/users/{id}/feed', page);
    const next = await api.get('/v1/users/{id}/feed', { path: { id: 'ana' }, query: { cursor: page.nextCursor, limit: 5 } });
    expect(next.items.map((i) => i.postId)).not.toContain(page.items[0]!.postId);

    const hits = await api.search({ q: 'basil', limit: 3 });
    expect(hits.items).toHaveLength(3);
    expect(hits.items.every((h) => h.post?.tags.includes('cooking'))).toBe(true);
    conforms('get', '/v1/search', hits);

    const similar = await api.similar('c00', { limit: 3 });
    expect(similar.items.length).toBeGreaterThan(0);
    conforms('get', '/v1/posts/{id}/similar', similar);
  });

  it('gets answers that fit their documented schemas on the other read routes', async () => {
    await engine.secondaryTraining();
    const calls: [string, () => Promise<unknown>][] = [
      ['/v1/trending', () => api.trending({ kind: 'hashtags', limit: 2 })],
      ['/v1/users/{id}/who-to-follow', () => api.whoToFollow('ana', { limit: 3 })],
      ['/v1/users/{id}/behavior', () => api.get('/v1/users/{id}/behavior', { path: { id: 'ana' } })],
      ['/v1/users/{id}/safety', () => api.get('/v1/users/{id}/safety', { path: { id: 'ana' } })],
      ['/v1/users/{id}/following-feed', () => api.get('/v1/users/{id}/following-feed', { path: { id: 'ana' }, query: { limit: 3 } })],
      ['/v1/posts/{id}/replies', () => api.get('/v1/posts/{id}/replies', { path: { id: 'c00' } })],
      ['/v1/stats', () => api.get('/v1/stats')],
      ['/v1/users', () => api.get('/v1/users', { query: { limit: 3 } })],
      ['/health', () => api.get('/health')],
      ['/v1/admin/reports', () => api.get('/v1/admin/reports')],
      ['/v1/admin/audit', () => api.get('/v1/admin/audit')],
      ['/v1/admin/experiments', () => api.get('/v1/admin/experiments')],
      ['/v1/admin/moderation/flagged', () => api.get('/v1/admin/moderation/flagged')],
      ['/v1/private/trending', () => api.get('/v1/private/trending', { query: { kind: 'hashtags' } })],
      ['/v1/private/stats', () => api.get('/v1/private/stats')],
      ['/v1/users/{id}/export', () => api.get('/v1/users/{id}/export', { path: { id: 'hal' } })],
      ['/xrpc/app.bsky.feed.describeFeedGenerator', () => api.get('/xrpc/app.bsky.feed.describeFeedGenerator')],
    ];
    for (const [path, call] of calls) conforms('get', path, await call());
    for (const kind of ['posts', 'topics'] as const) conforms('get', '/v1/trending', await api.trending({ kind, limit: 2 }));
    conforms('post', '/v1/compose/suggest', await api.post('/v1/compose/suggest', { body: { text: 'fresh basil for my pasta', author: 'ana' } }));
    conforms('post', '/v1/users/{id}/mutes', await api.post('/v1/users/{id}/mutes', { path: { id: 'ana' }, body: { word: '#spoilers' } }));
    conforms('delete', '/v1/users/{id}', await api.delete('/v1/users/{id}', { path: { id: 'hal' } }));
  });

  it('throws the catalogued error of a refused request, and sends the credential it was given', async () => {
    const bad = await api.search({ q: '' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ResonateApiError);
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    const anonymous = createClient({ baseUrl });
    await expect(anonymous.get('/v1/stats')).rejects.toMatchObject({ status: 401 });
    expect(() => createClient({ baseUrl, apiKey: KEY, token: 'jwt' })).toThrow(/not both/);
  });
});

/** Compile-time checks (tsc type-checks tests): the client refuses what the document does not allow. Never run. */
export function typeChecks(client: ResonateClient): void {
  // @ts-expect-error a route with a path parameter needs it
  void client.get('/v1/users/{id}/feed');
  // @ts-expect-error limit is a number
  void client.feed('u42', { limit: 'ten' });
  // @ts-expect-error no such route
  void client.get('/v1/nowhere');
  // @ts-expect-error a post row needs an author
  void client.ingest('posts', [{ id: 'p1', text: 'hi', created_at: 0 }]);
  // @ts-expect-error search needs q
  void client.search({ limit: 3 });
}

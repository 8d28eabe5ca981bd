/**
 * Retraction through the API: a post deleted or edited by its author, an event undone by its actor. Feeds follow
 * at the next request, the serving models unlearn a deleted post, a retraining's snapshot holds neither the post
 * nor an undone event; a user token may retract only its own rows, a write key any.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { EVENT_TYPES } from '../../src/core/config.js';
import { smallNetwork } from '../fixtures/small-network.js';

const SERVICE = 'rsn_service-secret-000000000000000000000000000';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
let engine: Engine;
let app: FastifyInstance;

async function as(sub: string): Promise<Record<string, string>> {
  const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('iss').setAudience('resonate').setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
  return { authorization: `Bearer ${jwt}` };
}
const KEY = { 'x-api-key': SERVICE };

beforeAll(async () => {
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { dir: mkdtempSync(join(tmpdir(), 'retraction-')), ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0, exploration: { every: 0 } },
      server: { apiKeys: [{ hash: hashSecret(SERVICE), scopes: ['write'], name: 'backend' }], userTokens: { issuer: 'iss', audience: 'resonate', secret: SECRET } },
    },
  });
  app = await createServer(engine);
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train();
}, 120_000);

afterAll(async () => {
  await app.close();
  await engine.close();
});

const feedIds = async (user: string): Promise<string[]> => (await engine.feed(user, { pageSize: 50 })).items.map((i) => i.postId);

describe('DELETE /v1/posts/{id}', () => {
  it('only the author (or a write key) deletes; the post leaves feeds at once, the models unlearn it, a retraining never sees it', async () => {
    const viewers: string[] = [];
    for (const u of ['ben', 'cal', 'dee', 'eve', 'fay', 'gus', 'hal']) if ((await feedIds(u)).includes('c00')) viewers.push(u);
    expect(viewers.length).toBeGreaterThan(0);
    const other = await app.inject({ method: 'DELETE', url: '/v1/posts/c00', headers: await as('ben') });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'FORBIDDEN_USER' });
    const res = await app.inject({ method: 'DELETE', url: '/v1/posts/c00', headers: await as('ana') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ post: 'c00', author: 'ana' });
    // The next request: gone from the feed (the first page was cached before), from the store, with its events.
    for (const u of viewers) expect(await feedIds(u)).not.toContain('c00');
    expect(await engine.store.getPost('c00')).toBeUndefined();
    expect((await engine.store.userEvents('ben')).some((e) => e.post === 'c00')).toBe(false);
    // The serving snapshot and models unlearn it; the models of the set are those a fit without it gives.
    await engine.secondaryTraining();
    expect(engine.dataset!.items.index('c00')).toBe(-1);
    for (const user of ['ben', 'cal', 'dee']) {
      for (const key of engine.models.keys()) expect((await engine.recommend(user, { model: key, k: 50 })).map((r) => r.postId)).not.toContain('c00');
    }
    await engine.train({ save: false });
    expect(engine.dataset!.items.index('c00')).toBe(-1);
  });

  it('names each refusal: unknown post 404, deleted post 410 for delete and edit', async () => {
    const unknown = await app.inject({ method: 'DELETE', url: '/v1/posts/nope', headers: KEY });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
    await app.inject({ method: 'DELETE', url: '/v1/posts/c01', headers: KEY });
    for (const [method, payload] of [['DELETE', undefined], ['PATCH', { text: 'again' }]] as const) {
      const res = await app.inject({ method, url: '/v1/posts/c01', headers: KEY, ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBe(410);
      expect(res.json()).toMatchObject({ code: 'POST_DELETED' });
    }
  });
});

describe('PATCH /v1/posts/{id}', () => {
  it('edits text; tags taken from the old text follow the new one; the feed shows the edit; the author never changes', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/v1/posts/c02', headers: await as('ana'), payload: { text: 'now about #bread and #baking' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'c02', author: 'ana', text: 'now about #bread and #baking', tags: ['bread', 'baking'] });
    // Tags given in the patch win.
    const tagged = await app.inject({ method: 'PATCH', url: '/v1/posts/c02', headers: KEY, payload: { tags: ['bread'] } });
    expect(tagged.json()).toMatchObject({ tags: ['bread'] });
    expect((await engine.store.getPost('c02'))!.tags).toEqual(['bread']);
    const bad = await app.inject({ method: 'PATCH', url: '/v1/posts/c02', headers: KEY, payload: { author: 'ben' } });
    expect(bad.statusCode).toBe(409);
    expect(bad.json()).toMatchObject({ code: 'POST_AUTHOR_IMMUTABLE' });
    expect((await app.inject({ method: 'PATCH', url: '/v1/posts/c02', headers: await as('ben'), payload: { text: 'mine now' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'PATCH', url: '/v1/posts/c02', headers: KEY, payload: { created_at: 1 } })).json()).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await app.inject({ method: 'PATCH', url: '/v1/posts/nope', headers: KEY, payload: { text: 'x' } })).statusCode).toBe(404);
  });

  it('keeps a client\'s own tags (not the text\'s hashtags) when only the text changes', async () => {
    await engine.ingest('posts', [{ id: 'h1', author: 'ben', text: 'morning #coffee', tags: ['drinks'], created_at: Date.now() - 1000 }]);
    const res = await app.inject({ method: 'PATCH', url: '/v1/posts/h1', headers: await as('ben'), payload: { text: 'evening #tea' } });
    expect(res.json()).toMatchObject({ text: 'evening #tea', tags: ['drinks'] });
  });
});

describe('DELETE /v1/events/{id}', () => {
  it('undoes the actor\'s own like (403 for another user, 404 unknown), and a retraining\'s snapshot leaves it out', async () => {
    const like = (await engine.store.userEvents('cal', { types: ['like'] })).find((e) => e.post !== undefined && engine.dataset!.items.index(e.post) >= 0)!;
    const LIKE = EVENT_TYPES.indexOf('like');
    // Likes of cal on the post in the snapshot's log (the dense ids of the serving snapshot).
    const likes = (): number => {
      const d = engine.dataset!, log = d.log, u = d.users.index('cal'), i = d.items.index(like.post!);
      let n = 0;
      for (let k = 0; k < log.user.length; k++) if (log.user[k] === u && log.item[k] === i && log.type[k] === LIKE) n++;
      return n;
    };
    expect(likes()).toBe(1);
    const other = await app.inject({ method: 'DELETE', url: `/v1/events/${like.id}`, headers: await as('ana') });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'FORBIDDEN_USER' });
    const res = await app.inject({ method: 'DELETE', url: `/v1/events/${like.id}`, headers: await as('cal') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ event: like.id, user: 'cal', type: 'like' });
    expect(await engine.store.getEvent(like.id)).toBeUndefined();
    const again = await app.inject({ method: 'DELETE', url: `/v1/events/${like.id}`, headers: KEY });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'NOT_FOUND' });
    await engine.train({ save: false });
    expect(likes()).toBe(0);
  });

  it('an undone follow event removes the follow edge', async () => {
    await engine.ingest('events', [{ id: 'fol-1', user: 'eve', type: 'follow', target_user: 'ana', timestamp: Date.now() - 1000 }]);
    await engine.ingest('follows', [{ follower: 'eve', followee: 'ana' }]);
    expect(await engine.store.following('eve')).toContain('ana');
    const res = await app.inject({ method: 'DELETE', url: '/v1/events/fol-1', headers: await as('eve') });
    expect(res.json()).toEqual({ event: 'fol-1', user: 'eve', type: 'follow', unfollowed: 'ana' });
    expect(await engine.store.following('eve')).not.toContain('ana');
  });
});

/**
 * Privacy in the API: keyed pseudonymization of user ids at ingest and in user routes (the store never holds a
 * raw id), the admin-only pseudonym look-up, and logs that never hold credentials, tokens or text.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { pino, type Logger } from 'pino';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { pseudonymizeId } from '../../src/privacy/pseudonymize.js';
import { isResonateError } from '../../src/core/errors.js';
import { loadConfig, type ResonateConfigInput } from '../../src/core/config.js';

const WRITER = 'rsn_writer-secret-0000000000000000000000000000';
const ADMIN = 'rsn_admin-secret-00000000000000000000000000000';
const PSEUDO_KEY = 'pseudonymization-key-of-32-characters-or-more';
const HS_SECRET = 'user-token-secret-of-at-least-32-characters';
const ANA = 'raw-user-ana-7f3c';
const BEN = 'raw-user-ben-91d2';

const server: NonNullable<ResonateConfigInput['server']> = {
  apiKeys: [
    { hash: hashSecret(WRITER), scopes: ['write'], name: 'writer' },
    { hash: hashSecret(ADMIN), scopes: ['admin'], name: 'admin' },
  ],
  userTokens: { issuer: 'https://auth.example.com', audience: 'resonate', secret: HS_SECRET },
};

const apps: { engine: Engine; app: FastifyInstance }[] = [];

afterEach(async () => {
  for (const { engine, app } of apps.splice(0)) {
    await app.close();
    await engine.close();
  }
});

async function serverWith(overrides: ResonateConfigInput, options: { logger?: Logger; logRequests?: boolean } = {}): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server, ...overrides } });
  const app = await createServer(engine, options);
  apps.push({ engine, app });
  return { engine, app };
}

const pseudonymized: ResonateConfigInput = { privacy: { pseudonymize: { key: PSEUDO_KEY } } };

async function userToken(sub: string): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://auth.example.com').setAudience('resonate').setSubject(sub).setExpirationTime('10m').sign(new TextEncoder().encode(HS_SECRET));
}

/** Writes two users, a post each, a follow and events through the API, with `headers`. */
async function ingest(app: FastifyInstance, text = 'a post about gardening'): Promise<void> {
  const t = Date.now() - 60_000;
  const batches: [string, unknown[]][] = [
    ['users', [{ id: ANA, name: 'Ana Example' }, { id: BEN, name: 'Ben Example' }]],
    ['posts', [{ id: 'p1', author: ANA, text, created_at: t }, { id: 'p2', author: BEN, text: 'tomatoes', created_at: t }]],
    ['follows', [{ follower: ANA, followee: BEN }]],
    ['events', [{ id: 'e1', user: ANA, type: 'like', post: 'p2', timestamp: t }, { id: 'e2', user: BEN, type: 'follow', target_user: ANA, timestamp: t }]],
  ];
  for (const [kind, rows] of batches) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows, headers: { 'x-api-key': WRITER } });
    expect(res.statusCode, res.body).toBe(200);
  }
}

async function storeText(engine: Engine): Promise<string> {
  const all: unknown[] = [];
  for (const scan of [engine.store.scanUsers(), engine.store.scanPosts(), engine.store.scanFollows(), engine.store.scanEvents()]) for await (const row of scan) all.push(row);
  return JSON.stringify(all);
}

describe('pseudonymization', () => {
  it('the store holds pseudonyms, never the raw user ids sent by clients', async () => {
    const { engine, app } = await serverWith(pseudonymized);
    await ingest(app);
    const stored = await storeText(engine);
    expect(stored).not.toContain(ANA);
    expect(stored).not.toContain(BEN);
    expect(stored).toContain(pseudonymizeId(ANA, PSEUDO_KEY));
    expect(await engine.store.following(pseudonymizeId(ANA, PSEUDO_KEY))).toEqual([pseudonymizeId(BEN, PSEUDO_KEY)]);
    // Without a key, ids are stored as sent.
    const plain = await serverWith({});
    await ingest(plain.app);
    expect(await storeText(plain.engine)).toContain(ANA);
  });

  it('a mute or block names its target by raw id; the store and the rules hold the pseudonym', async () => {
    const { engine, app } = await serverWith(pseudonymized);
    await ingest(app);
    const block = await app.inject({ method: 'POST', url: `/v1/users/${ANA}/blocks`, payload: { target: BEN }, headers: { 'x-api-key': WRITER } });
    expect(block.statusCode, block.body).toBe(200);
    const rules = await engine.safety(pseudonymizeId(ANA, PSEUDO_KEY));
    expect([...rules.hiddenAuthors]).toEqual([pseudonymizeId(BEN, PSEUDO_KEY)]);
    expect(await storeText(engine)).not.toContain(BEN);
  });

  it('user routes take raw ids: the engine is asked for the pseudonym', async () => {
    const { engine, app } = await serverWith(pseudonymized);
    await ingest(app);
    const asked: string[] = [];
    const feed = engine.feed.bind(engine);
    engine.feed = (id, opts) => {
      asked.push(id);
      return feed(id, opts);
    };
    await app.inject({ url: `/v1/users/${ANA}/feed`, headers: { 'x-api-key': WRITER } });
    expect(asked).toEqual([pseudonymizeId(ANA, PSEUDO_KEY)]);
  });

  it('user tokens carry the raw id: access is checked on it, the store still gets the pseudonym', async () => {
    const { engine, app } = await serverWith(pseudonymized);
    await ingest(app);
    const jwt = { authorization: `Bearer ${await userToken(ANA)}` };
    const own = await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'e9', user: ANA, type: 'view', post: 'p2', timestamp: Date.now() }], headers: jwt });
    expect(own.json()).toMatchObject({ events: 1 });
    expect(await storeText(engine)).not.toContain(ANA);
    // Another user's feed, by its raw id or by its pseudonym, is still another user's.
    for (const id of [BEN, pseudonymizeId(BEN, PSEUDO_KEY), pseudonymizeId(ANA, PSEUDO_KEY)]) {
      expect((await app.inject({ url: `/v1/users/${id}/feed`, headers: jwt })).json(), id).toMatchObject({ code: 'FORBIDDEN_USER' });
    }
  });

  it('invalid ids are refused as before, not hashed into valid ones', async () => {
    const { app } = await serverWith(pseudonymized);
    const res = await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: '' }], headers: { 'x-api-key': WRITER } });
    expect(res.statusCode).toBe(400);
  });

  it('the raw → pseudonym look-up is for admins only, and says so when pseudonymization is off', async () => {
    const { app } = await serverWith(pseudonymized);
    const ok = await app.inject({ url: `/v1/admin/pseudonym?id=${ANA}`, headers: { 'x-api-key': ADMIN } });
    expect(ok.json()).toEqual({ id: ANA, pseudonym: pseudonymizeId(ANA, PSEUDO_KEY) });
    expect((await app.inject({ url: `/v1/admin/pseudonym?id=${ANA}`, headers: { 'x-api-key': WRITER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.inject({ url: `/v1/admin/pseudonym?id=${ANA}`, headers: { authorization: `Bearer ${await userToken(ANA)}` } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/v1/admin/pseudonym', headers: { 'x-api-key': ADMIN } })).json()).toMatchObject({ code: 'INVALID_INPUT' });
    const off = await serverWith({});
    expect((await off.app.inject({ url: `/v1/admin/pseudonym?id=${ANA}`, headers: { 'x-api-key': ADMIN } })).json()).toMatchObject({ code: 'PSEUDONYMIZATION_OFF', statusCode: 409 });
  });

  it('takes the key from the environment, and refuses a short key', () => {
    const fromEnv = loadConfig({ env: { RESONATE_PRIVACY_PSEUDONYMIZE_KEY: PSEUDO_KEY, RESONATE_SERVER_USER_TOKENS_SECRET: HS_SECRET }, overrides: { server: { userTokens: { issuer: 'i', audience: 'a' } as never } } });
    expect(fromEnv.privacy.pseudonymize?.key).toBe(PSEUDO_KEY);
    expect(fromEnv.server.userTokens?.secret).toBe(HS_SECRET);
    let err: unknown;
    try {
      loadConfig({ env: { RESONATE_PRIVACY_PSEUDONYMIZE_KEY: 'short' } });
    } catch (e) {
      err = e;
    }
    expect(isResonateError(err, 'INVALID_CONFIG')).toBe(true);
  });
});

describe('logs', () => {
  it('never hold an API key, a user token, event or post text, search text or (pseudonymized) raw user ids', async () => {
    const raw: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write(chunk, _enc, cb) { raw.push(String(chunk)); cb(); } }));
    const { engine, app } = await serverWith(pseudonymized, { logger, logRequests: true });
    const postText = 'my-private-post-text-4821';
    await ingest(app, postText);
    const jwt = await userToken(ANA);
    const eventText = 'my-private-comment-text-9313';
    const searchText = 'my-private-search-5577';
    await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'c1', user: ANA, type: 'comment', post: 'p2', text: eventText, timestamp: Date.now() }], headers: { authorization: `Bearer ${jwt}` } });
    await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'c2', user: BEN, type: 'comment', post: 'p1', text: eventText, timestamp: Date.now() }], headers: { authorization: `Bearer ${jwt}` } });
    await app.inject({ url: `/v1/users/${ANA}/feed?limit=5`, headers: { authorization: `Bearer ${jwt}` } });
    await app.inject({ url: `/v1/search?q=${searchText}&limit=3`, headers: { 'x-api-key': WRITER } });
    await app.inject({ url: '/v1/stats', headers: { authorization: `Bearer ${jwt}x` } });
    await app.inject({ url: `/v1/admin/pseudonym?id=${ANA}`, headers: { 'x-api-key': ADMIN } });
    // A handler failing with a 5xx logs its error, never the request.
    engine.ingest = () => Promise.reject(new Error('disk full'));
    await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'c3', user: ANA, type: 'comment', post: 'p2', text: eventText, timestamp: Date.now() }], headers: { 'x-api-key': WRITER } });
    // Code that logs rows or headers gets the never-logged fields blanked.
    app.log.info({ rows: [{ id: 'c4', user: 'x', text: eventText, name: 'Ana Example' }], headers: { authorization: `Bearer ${jwt}`, 'x-api-key': WRITER } }, 'debug dump');

    const text = raw.join('');
    expect(raw.length).toBeGreaterThan(10);
    expect(text).toContain('/v1/users/:id/feed?limit=5');
    expect(text).toContain('disk full');
    expect(text).toContain('[redacted]');
    for (const secret of [WRITER, ADMIN, jwt, jwt.split('.')[2]!, HS_SECRET, PSEUDO_KEY, eventText, postText, searchText, 'Ana Example', ANA, BEN]) {
      expect(text, secret).not.toContain(secret);
    }
  });
});

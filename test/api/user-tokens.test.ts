/**
 * End-user tokens (JWTs): verification (issuer, audience, expiry, not-before, algorithm allow-list, never
 * `alg: none`), what a user token may read and write, per-user rate limits, and the config checks on keys.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { assertSafeBinding } from '../../src/api/binding.js';
import { isResonateError } from '../../src/core/errors.js';
import type { ResonateConfigInput } from '../../src/core/config.js';

const SERVICE = 'rsn_service-secret-000000000000000000000000000';
const ADMIN = 'rsn_admin-secret-00000000000000000000000000000';
const HS_SECRET = 'a-shared-secret-of-at-least-32-characters!';
const ISS = 'https://auth.example.com';
const AUD = 'resonate';

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let other: { publicKey: CryptoKey; privateKey: CryptoKey };
let ec: { publicKey: CryptoKey; privateKey: CryptoKey };
let rsaPem: string;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  other = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
});

interface TokenOptions {
  sub?: string | null;
  iss?: string;
  aud?: string;
  /** Seconds from now; null: no exp claim. */
  exp?: number | null;
  nbf?: number;
  alg?: string;
  key?: CryptoKey | Uint8Array;
  kid?: string;
}

async function token(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {};
  if (o.nbf !== undefined) payload.nbf = now + o.nbf;
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: o.alg ?? 'RS256', ...(o.kid ? { kid: o.kid } : {}) }).setIssuer(o.iss ?? ISS).setAudience(o.aud ?? AUD).setIssuedAt();
  if (o.sub !== null) jwt = jwt.setSubject(o.sub ?? 'ana');
  if (o.exp !== null) jwt = jwt.setExpirationTime(now + (o.exp ?? 600));
  return jwt.sign(o.key ?? rsa.privateKey);
}

/** An unsigned token (`alg: none`), as an attacker would write it by hand. */
function unsigned(payload: JWTPayload, alg = 'none'): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.`;
}

const apps: { engine: Engine; app: FastifyInstance }[] = [];

afterEach(async () => {
  for (const { engine, app } of apps.splice(0)) {
    await app.close();
    await engine.close();
  }
});

function tokenServer(extra: Partial<NonNullable<ResonateConfigInput['server']>> = {}, userTokens: Record<string, unknown> = {}): NonNullable<ResonateConfigInput['server']> {
  return {
    apiKeys: [
      { hash: hashSecret(SERVICE), scopes: ['write'], name: 'backend' },
      { hash: hashSecret(ADMIN), scopes: ['admin'], name: 'admin' },
    ],
    userTokens: { issuer: ISS, audience: AUD, publicKeys: [rsaPem], ...userTokens } as never,
    ...extra,
  };
}

async function serverWith(server: NonNullable<ResonateConfigInput['server']>): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server } });
  const app = await createServer(engine);
  apps.push({ engine, app });
  return { engine, app };
}

/** A server with users ana and ben and one post each, for reads and writes on behalf of a user. */
async function seeded(server = tokenServer()): Promise<{ engine: Engine; app: FastifyInstance }> {
  const s = await serverWith(server);
  const t = Date.now() - 60_000;
  for (const [kind, rows] of [
    ['users', [{ id: 'ana' }, { id: 'ben' }]],
    ['posts', [{ id: 'p1', author: 'ana', text: 'hello', created_at: t }, { id: 'p2', author: 'ben', text: 'world', created_at: t }]],
  ] as const) {
    const res = await s.app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows, headers: { 'x-api-key': SERVICE } });
    expect(res.statusCode, res.body).toBe(200);
  }
  return s;
}

const bearer = (jwt: string): Record<string, string> => ({ authorization: `Bearer ${jwt}` });

describe('user token verification', () => {
  it('accepts a valid token for its own feed and behaviour, with the same answer as a service key', async () => {
    const { app } = await seeded();
    const jwt = await token();
    for (const url of ['/v1/users/ana/feed', '/v1/users/ana/behavior']) {
      const withToken = await app.inject({ url, headers: bearer(jwt) });
      const withKey = await app.inject({ url, headers: { 'x-api-key': SERVICE } });
      expect(String(withToken.json().code), url).not.toMatch(/^(TOKEN_|FORBIDDEN|UNAUTHORIZED|USER_TOKEN)/);
      expect(withToken.statusCode, url).toBe(withKey.statusCode);
    }
  });

  it('lets a token ask hashtag suggestions for its own drafts only', async () => {
    const { app, engine } = await seeded();
    const like = [{ id: 'compose-e1', user: 'ben', type: 'like', post: 'p1', timestamp: Date.now() - 1000 }];
    expect((await app.inject({ method: 'POST', url: '/v1/events', payload: like, headers: { 'x-api-key': SERVICE } })).statusCode).toBe(200);
    await engine.train({ save: false });
    const jwt = await token();
    const own = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'hello' }, headers: bearer(jwt) });
    expect(own.statusCode, own.body).toBe(200);
    const other = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'hello', author: 'ben' }, headers: bearer(jwt) });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'FORBIDDEN_USER' });
  });

  it('refuses expired, forged, wrong-audience, wrong-issuer, not-yet-valid and unsigned tokens with named 401s', async () => {
    const { app } = await seeded();
    const cases: [string, string, RegExp?][] = [
      ['expired', await token({ exp: -3600 }), /expired at/],
      ['signed by another key', await token({ key: other.privateKey }), /signature/],
      ['wrong audience', await token({ aud: 'someone-else' }), /audience/],
      ['wrong issuer', await token({ iss: 'https://evil.example.com' }), /issuer/],
      ['not valid yet', await token({ nbf: 3600 }), /not valid yet/],
      ['no exp', await token({ exp: null }), /expiry/],
      ['no sub', await token({ sub: null }), /subject/],
      ['alg none', unsigned({ sub: 'ana', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 }), /alg "none"/],
      ['alg NONE', unsigned({ sub: 'ana', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 }, 'NONE'), /alg "none"/],
      // Algorithm confusion: an HS256 token whose HMAC key is the server's public key.
      ['HS256 with the public key as secret', await token({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) }), /not allowed/],
      ['algorithm not in the allow-list', await token({ alg: 'ES384', key: (await generateKeyPair('ES384')).privateKey }), /not allowed/],
      ['tampered payload', (await token({ sub: 'ben' })).replace(/\.([^.]+)\./, (_m, p: string) => `.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'ana' })).toString('base64url')}.`), /signature/],
    ];
    for (const [name, jwt, message] of cases) {
      const res = await app.inject({ url: '/v1/users/ana/feed', headers: bearer(jwt) });
      expect(res.statusCode, name).toBe(401);
      expect(res.json().code, name).toBe(name === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
      if (message) expect(res.json().message, name).toMatch(message);
      expect(res.body, name).not.toContain(jwt);
    }
  });

  it('accepts an HS256 shared secret when configured, and a JWKS file holding several keys without kid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-jwks-'));
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [await exportJWK(other.publicKey), await exportJWK(rsa.publicKey), await exportJWK(ec.publicKey)] }));
    const { app } = await seeded(tokenServer({}, { publicKeys: [], jwksFile, secret: HS_SECRET, algorithms: ['HS256', 'RS256', 'ES256'] }));
    const ok = async (jwt: string): Promise<number> => (await app.inject({ url: '/v1/search?q=hello', headers: bearer(jwt) })).statusCode;
    expect(await ok(await token({ alg: 'HS256', key: new TextEncoder().encode(HS_SECRET) }))).toBe(200);
    expect(await ok(await token())).toBe(200); // the second RS256 key of the set verifies it
    expect(await ok(await token({ alg: 'ES256', key: ec.privateKey }))).toBe(200);
    expect(await ok(await token({ alg: 'HS256', key: new TextEncoder().encode(`${HS_SECRET}x`) }))).toBe(401);
    const stranger = await generateKeyPair('RS256');
    expect(await ok(await token({ key: stranger.privateKey }))).toBe(401);
  });

  it('accepts public keys given as JWK objects', async () => {
    const { app } = await seeded(tokenServer({}, { publicKeys: [{ ...(await exportJWK(ec.publicKey)), kid: 'ec-1' }] }));
    expect((await app.inject({ url: '/v1/search?q=hello', headers: bearer(await token({ alg: 'ES256', key: ec.privateKey, kid: 'ec-1' })) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/search?q=hello', headers: bearer(await token()) })).statusCode).toBe(401);
  });

  it('refuses unusable key configs when the server is created', async () => {
    const attempt = async (userTokens: Record<string, unknown>): Promise<unknown> => {
      const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: { userTokens: { issuer: ISS, audience: AUD, ...userTokens } as never } } });
      try {
        return await createServer(engine).then(async (app) => app.close());
      } catch (e) {
        return e;
      } finally {
        await engine.close();
      }
    };
    const privatePem = await exportPKCS8(rsa.privateKey);
    const privateJwk = await exportJWK(rsa.privateKey);
    for (const [name, cfg, message] of [
      ['private PEM', { publicKeys: [privatePem] }, /private key/],
      ['private JWK', { publicKeys: [privateJwk] }, /private key/],
      ['symmetric JWK', { publicKeys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /symmetric/],
      ['HS without secret', { publicKeys: [rsaPem], algorithms: ['HS256'] }, /needs server.userTokens.secret/],
      ['missing JWKS file', { jwksFile: '/nonexistent/jwks.json' }, /cannot read/],
    ] as const) {
      const err = await attempt(cfg);
      expect(isResonateError(err, 'INVALID_CONFIG'), name).toBe(true);
      expect((err as Error).message, name).toMatch(message);
    }
    // No key at all, a short secret and alg "none" are refused by the config schema.
    for (const cfg of [{}, { secret: 'short' }, { secret: HS_SECRET, algorithms: ['none'] }]) {
      const err = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: { userTokens: { issuer: ISS, audience: AUD, ...cfg } as never } } }).catch((e: unknown) => e);
      expect(isResonateError(err, 'INVALID_CONFIG'), JSON.stringify(cfg)).toBe(true);
    }
  });
});

describe('what a user token may do', () => {
  it("reads only its own user's routes: another user's feed or behaviour is a 403", async () => {
    const { app } = await seeded();
    const jwt = await token({ sub: 'ana' });
    for (const url of ['/v1/users/ben/feed', '/v1/users/ben/behavior', '/v1/users/ben/who-to-follow', '/v1/users/ben/profile', '/v1/users/Ana/feed', '/v1/users/ana%20/feed']) {
      const res = await app.inject({ url, headers: bearer(jwt) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code, url).toBe('FORBIDDEN_USER');
    }
    // HEAD routes made from the GET ones carry the same rule.
    expect((await app.inject({ method: 'HEAD', url: '/v1/users/ben/feed', headers: bearer(jwt) })).statusCode).toBe(403);
  });

  it('reads public read routes (trending, search, similar posts)', async () => {
    const { app } = await seeded();
    const jwt = await token();
    for (const url of ['/v1/trending', '/v1/search?q=hello', '/v1/posts/p1/similar']) {
      const res = await app.inject({ url, headers: bearer(jwt) });
      expect(String(res.json().code), url).not.toMatch(/^(TOKEN_|FORBIDDEN|UNAUTHORIZED|USER_TOKEN)/);
    }
    expect((await app.inject({ url: '/v1/search?q=hello', headers: bearer(jwt) })).statusCode).toBe(200);
  });

  it('needs a service key for everything else', async () => {
    const { app } = await seeded();
    const jwt = await token();
    for (const [method, url] of [['GET', '/v1/stats'], ['GET', '/v1/users'], ['POST', '/v1/users'], ['POST', '/v1/admin/train'], ['GET', '/v1/admin/pseudonym?id=ana']] as const) {
      const res = await app.inject({ method, url, headers: bearer(jwt), ...(method === 'POST' ? { payload: [{ id: 'ana' }] } : {}) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code, url).toBe('USER_TOKEN_NOT_ALLOWED');
    }
  });

  it('writes only its own events, posts and follows, checked after the body is parsed; nothing of a mixed batch is written', async () => {
    const { engine, app } = await seeded();
    const jwt = await token({ sub: 'ana' });
    const now = Date.now();
    const post = (payload: unknown, url: string) => app.inject({ method: 'POST', url, payload: payload as object, headers: bearer(jwt) });
    const own = await post([{ id: 'e1', user: 'ana', type: 'like', post: 'p2', timestamp: now }], '/v1/events');
    expect(own.statusCode, own.body).toBe(200);
    const before = await engine.store.counts();
    const attempts: [string, unknown, string][] = [
      ['/v1/events', [{ id: 'e2', user: 'ana', type: 'like', post: 'p2', timestamp: now }, { id: 'e3', user: 'ben', type: 'like', post: 'p1', timestamp: now }], '[1].user'],
      ['/v1/events', [{ id: 'e4', type: 'like', post: 'p1', timestamp: now }], '[0].user'],
      ['/v1/posts', [{ id: 'p3', author: 'ben', text: 'as ben', created_at: now }], '[0].author'],
      ['/v1/follows', [{ follower: 'ben', followee: 'ana' }], '[0].follower'],
    ];
    for (const [url, payload, field] of attempts) {
      const res = await post(payload, url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN_USER' });
      expect(res.json().message).toContain(field);
    }
    expect(await engine.store.counts()).toEqual(before);
    expect((await post([{ id: 'p4', author: 'ana', text: 'mine', created_at: now }], '/v1/posts')).statusCode).toBe(200);
    expect((await post([{ follower: 'ana', followee: 'ben' }], '/v1/follows')).statusCode).toBe(200);
    // A body that is not an array of rows cannot be attributed to anyone.
    expect((await post({ id: 'e5', user: 'ana', type: 'like', post: 'p2', timestamp: now }, '/v1/events')).json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('is rate-limited by its subject, apart from other users and from API keys', async () => {
    const { app } = await seeded(tokenServer({ rateLimit: { max: 100, userMax: 2, authFailureMax: 3, timeWindowMs: 60_000 } }));
    const get = async (jwt: string): Promise<number> => (await app.inject({ url: '/v1/search?q=hello', headers: bearer(jwt) })).statusCode;
    const ana1 = await token({ sub: 'ana' });
    const ana2 = await token({ sub: 'ana', exp: 900 }); // a fresh token of the same user shares the bucket
    expect([await get(ana1), await get(ana1), await get(ana2)]).toEqual([200, 200, 429]);
    expect(await get(await token({ sub: 'ben' }))).toBe(200);
    expect((await app.inject({ url: '/v1/search?q=hello', headers: { 'x-api-key': SERVICE } })).statusCode).toBe(200);
    // Rejected tokens count as failures per address.
    const forged = await token({ key: other.privateKey });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push(await get(forged));
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

describe('open mode and public files with user tokens', () => {
  it('a server with only a user-token config is not open: it may listen anywhere, and every API route needs a credential', async () => {
    const { engine, app } = await serverWith({ userTokens: { issuer: ISS, audience: AUD, publicKeys: [rsaPem] } as never });
    expect(() => assertSafeBinding(engine.config, '0.0.0.0')).not.toThrow();
    expect((await app.inject('/v1/trending')).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await app.inject('/v1/stats')).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await app.inject({ url: '/v1/search?q=hello', headers: bearer(await token()) })).statusCode).toBe(200);
  });

  it('serves the dashboard and API docs as public files, while the API calls the dashboard makes need a key', async () => {
    const { app } = await serverWith(tokenServer());
    const index = await app.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('api-key');
    expect((await app.inject('/app.js')).statusCode).toBe(200);
    expect((await app.inject('/docs/json')).statusCode).toBe(200);
    for (const url of ['/v1/stats', '/v1/users', '/v1/trending']) expect((await app.inject(url)).statusCode, url).toBe(401);
    expect((await app.inject({ url: '/v1/stats', headers: { 'x-api-key': SERVICE } })).statusCode).toBe(200);
  });
});

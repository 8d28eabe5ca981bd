/**
 * The API's security behaviour: authentication before the body is read, hashed keys with scopes and expiry,
 * rate limits by verified key and by address, open mode only on loopback, 5xx answers without internals,
 * redacted logs.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import { assertSafeBinding } from '../../src/api/binding.js';
import { isResonateError } from '../../src/core/errors.js';
import type { ResonateConfigInput } from '../../src/core/config.js';

const READER = 'rsn_reader-secret-0000000000000000000000000000';
const WRITER = 'rsn_writer-secret-0000000000000000000000000000';
const ADMIN = 'rsn_admin-secret-00000000000000000000000000000';
const OLD = 'rsn_expired-secret-000000000000000000000000000';

const keyed: ResonateConfigInput['server'] = {
  apiKeys: [
    { hash: hashSecret(READER), scopes: ['read'], name: 'reader' },
    { hash: hashSecret(WRITER), scopes: ['write'], name: 'writer' },
    { hash: hashSecret(ADMIN), scopes: ['admin'], name: 'admin' },
    { hash: hashSecret(OLD), scopes: ['admin'], name: 'old', expiresAt: '2020-01-01T00:00:00Z' },
  ],
};

const open: { engine: Engine; app: FastifyInstance }[] = [];

async function serverWith(server: ResonateConfigInput['server'], logger?: Logger): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server } });
  const app = await createServer(engine, logger ? { logger } : {});
  open.push({ engine, app });
  return { engine, app };
}

afterEach(async () => {
  for (const { engine, app } of open.splice(0)) {
    await app.close();
    await engine.close();
  }
});

/** A pino logger writing into an array of parsed lines. */
function captureLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { raw.push(String(chunk)); cb(); } });
  const logger = pino({ level: 'info' }, stream);
  return { logger, get lines() { return raw.flatMap((r) => r.trim().split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>); }, text: () => raw.join('') };
}

describe('authentication runs before the body is read', () => {
  it('answers 401 to a 40 MB body without a key, without parsing it', async () => {
    const { app } = await serverWith(keyed);
    let parsed = 0;
    app.addHook('preParsing', async (_req, _reply, payload) => {
      parsed++;
      return payload;
    });
    const big = JSON.stringify([{ id: 'x', name: 'a'.repeat(40 * 1024 * 1024) }]);
    const res = await app.inject({ method: 'POST', url: '/v1/users', payload: big, headers: { 'content-type': 'application/json' } });
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401 });
    expect(parsed).toBe(0);
    const denied = await app.inject({ method: 'POST', url: '/v1/users', payload: big, headers: { 'content-type': 'application/json', 'x-api-key': READER } });
    expect(denied.json()).toMatchObject({ code: 'FORBIDDEN', statusCode: 403 });
    expect(parsed).toBe(0);
    const ok = await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'x' }], headers: { 'x-api-key': WRITER } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(parsed).toBe(1);
  });

  it('keeps /health, the API docs and the dashboard public; unknown routes need a key', async () => {
    const { app } = await serverWith(keyed);
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await app.inject('/docs/json')).statusCode).toBe(200);
    const dashboard = await app.inject('/');
    expect([200, 404]).toContain(dashboard.statusCode); // 404 only when web/ is absent
    // GETs of unknown paths fall to the (public) dashboard files; other methods need a key to learn "not found".
    expect((await app.inject('/v1/nothing-here')).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.inject({ method: 'POST', url: '/v1/nothing-here' })).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await app.inject({ method: 'POST', url: '/v1/nothing-here', headers: { 'x-api-key': READER } })).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.inject({ method: 'POST', url: '/v1/stats', headers: { 'x-api-key': READER } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'HEAD', url: '/v1/stats' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200);
  });
});

describe('hashed API keys', () => {
  it('grants scopes in order read < write < admin, with x-api-key or Bearer', async () => {
    const { app } = await serverWith(keyed);
    const status = async (method: 'GET' | 'POST', url: string, key: string, bearer = false): Promise<number> =>
      (await app.inject({ method, url, ...(method === 'POST' ? { payload: [] } : {}), headers: bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key } })).statusCode;
    expect(await status('GET', '/v1/stats', READER)).toBe(200);
    expect(await status('GET', '/v1/stats', WRITER, true)).toBe(200);
    expect(await status('POST', '/v1/users', READER)).toBe(403);
    expect(await status('POST', '/v1/users', WRITER)).toBe(200);
    expect(await status('POST', '/v1/users', ADMIN, true)).toBe(200);
    expect(await status('POST', '/v1/admin/train', WRITER)).toBe(403);
    // The hash itself, a prefix or a longer string are not the key.
    expect(await status('GET', '/v1/stats', hashSecret(READER))).toBe(401);
    expect(await status('GET', '/v1/stats', READER.slice(0, -1))).toBe(401);
    expect(await status('GET', '/v1/stats', `${READER}x`)).toBe(401);
  });

  it('refuses an expired key with a named 401', async () => {
    const { app } = await serverWith(keyed);
    const res = await app.inject({ url: '/v1/stats', headers: { 'x-api-key': OLD } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'API_KEY_EXPIRED' });
    expect(res.json().message).toMatch(/"old" expired at 2020-01-01/);
    expect(res.body).not.toContain(OLD);
  });

  it('refuses plain-text keys in the config with a message saying what to do', async () => {
    const err = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: { apiKeys: [{ key: 'change-me-please', scopes: ['read'] } as never] } } }).catch((e: unknown) => e);
    expect(isResonateError(err, 'INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/resonate keys create/);
  });
});

describe('rate limits', () => {
  const limits = { rateLimit: { max: 3, authFailureMax: 2, timeWindowMs: 60_000 } };

  it('limit a verified key by its id: another key is unaffected, and a changed header does not reset it', async () => {
    const { app } = await serverWith({ ...keyed, ...limits });
    const get = async (key: string): Promise<number> => (await app.inject({ url: '/v1/stats', headers: { 'x-api-key': key } })).statusCode;
    expect([await get(READER), await get(READER), await get(READER), await get(READER)]).toEqual([200, 200, 200, 429]);
    expect(await get(WRITER)).toBe(200);
    // Same key sent as Bearer: still the same bucket.
    expect((await app.inject({ url: '/v1/stats', headers: { authorization: `Bearer ${READER}` } })).statusCode).toBe(429);
    const limited = await app.inject({ url: '/v1/stats', headers: { 'x-api-key': READER } });
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', statusCode: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limit failed keys per address with the smaller limit, without locking out valid keys', async () => {
    const { app } = await serverWith({ ...keyed, ...limits });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/v1/stats', headers: { 'x-api-key': `guess-${i}` } })).statusCode);
    expect(codes).toEqual([401, 401, 429, 429]);
    expect((await app.inject('/v1/stats')).statusCode).toBe(429); // no key at all is a failure too
    expect((await app.inject({ url: '/v1/stats', headers: { 'x-api-key': ADMIN } })).statusCode).toBe(200);
  });

  it('limit an open server by address: a made-up x-api-key header does not open a new bucket', async () => {
    const { app } = await serverWith(limits);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ url: '/v1/stats', headers: { 'x-api-key': `any-${i}` } })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('open mode only on loopback', () => {
  it('assertSafeBinding accepts loopback hosts and refuses others without keys', async () => {
    const { engine } = await serverWith({});
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(() => assertSafeBinding(engine.config, host)).not.toThrow();
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '::ffff:10.0.0.1', '128.0.0.1']) {
      expect(() => assertSafeBinding(engine.config, host), host).toThrow(expect.objectContaining({ code: 'OPEN_SERVER_NOT_LOOPBACK' }));
    }
    const withKeys = await serverWith(keyed);
    expect(() => assertSafeBinding(withKeys.engine.config, '0.0.0.0')).not.toThrow();
  });

  it('listen() refuses a non-loopback host without keys and serves on loopback', async () => {
    const { app } = await serverWith({});
    await expect(app.listen({ host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'OPEN_SERVER_NOT_LOOPBACK' });
    expect(app.server.listening).toBe(false);
    await app.listen({ host: '127.0.0.1', port: 0 });
    expect(app.server.listening).toBe(true);
  });

  it('listen() on any address is allowed with keys', async () => {
    const { app } = await serverWith(keyed);
    await app.listen({ host: '0.0.0.0', port: 0 });
    expect(app.server.listening).toBe(true);
  });
});

describe('errors', () => {
  it('a 5xx answer carries a generic message and a request id; the log has the stack under that id', async () => {
    const log = captureLogger();
    const { engine, app } = await serverWith({}, log.logger);
    engine.stats = () => Promise.reject(new Error('sqlite said: /var/lib/secret.db is locked'));
    const res = await app.inject('/v1/stats');
    expect(res.statusCode).toBe(500);
    const body = res.json() as { code: string; message: string; requestId: string };
    expect(body.code).toBe('INTERNAL');
    expect(res.body).not.toContain('secret.db');
    expect(body.message).toContain(body.requestId);
    const line = log.lines.find((l) => l.reqId === body.requestId);
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toContain('secret.db');
    expect((line!.err as { stack: string }).stack).toMatch(/at /);
  });

  it('never logs API keys or the Authorization header', async () => {
    const log = captureLogger();
    const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, server: keyed } });
    const app = await createServer(engine, { logger: log.logger, logRequests: true });
    open.push({ engine, app });
    app.log.info({ headers: { 'x-api-key': READER, authorization: `Bearer ${WRITER}` }, apiKey: ADMIN }, 'headers');
    await app.inject({ url: '/v1/stats', headers: { 'x-api-key': READER } });
    await app.inject({ url: '/v1/stats', headers: { authorization: `Bearer ${WRITER}` } });
    await app.inject({ url: '/v1/stats', headers: { 'x-api-key': OLD } });
    expect(log.lines.length).toBeGreaterThan(3);
    for (const secret of [READER, WRITER, ADMIN, OLD]) expect(log.text()).not.toContain(secret);
    expect(log.text()).toContain('[redacted]');
  });

  it('a malformed URL is a named 400', async () => {
    const { app } = await serverWith({});
    for (const url of ['/v1/users/%zz/feed', '/v1/posts/%E0%A4%A/similar']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code, url).toMatch(/^INVALID_/);
    }
  });

  it('refuses prototype-poisoning keys in a body', async () => {
    const { app } = await serverWith({});
    for (const payload of ['[{"id":"a","__proto__":{"x":1}}]', '[{"id":"a","features":{"constructor":{"prototype":{"x":1}}}}]']) {
      const res = await app.inject({ method: 'POST', url: '/v1/users', payload, headers: { 'content-type': 'application/json' } });
      expect(res.json()).toMatchObject({ code: 'INVALID_JSON', statusCode: 400 });
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

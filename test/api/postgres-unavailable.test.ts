/**
 * PostgreSQL going away: a TCP proxy in front of the real server is closed (every connection cut, new ones
 * refused) and opened again on the same port. Writes fail with the named 503, nothing is half-written, and the
 * same store works again once the server is back, without being reopened.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { isResonateError, type ResonateError } from '../../src/core/errors.js';
import { createEngine } from '../../src/engine/index.js';
import type { WriteBatch } from '../../src/storage/store.js';
import { createPostgresStore, type PostgresStore } from '../../src/storage/postgres/postgres-store.js';
import { freshSchema, TEST_PG_URL, type TestSchema } from '../../src/storage/postgres/test-fixtures.js';

/** A TCP proxy to host:port that can be cut (close) and restored (open) on the same local port. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe.skipIf(TEST_PG_URL === undefined)('PostgreSQL refusing connections', () => {
  let schema: TestSchema;
  let proxy: Proxy;
  let viaProxy: PostgresStore;
  let direct: PostgresStore;
  let proxiedUrl: string;

  beforeAll(async () => {
    const target = new URL(TEST_PG_URL!);
    proxy = new Proxy(target.hostname, Number(target.port || 5432));
    await proxy.open();
    schema = freshSchema();
    const url = new URL(schema.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    proxiedUrl = url.toString();
    viaProxy = await createPostgresStore({ url: proxiedUrl });
    direct = await createPostgresStore({ url: schema.url });
    await viaProxy.write({ users: [{ id: 'u1' }, { id: 'u2' }], posts: [{ id: 'p1', author: 'u1', text: 'hello', created_at: 1, tags: [] }] });
  });

  afterAll(async () => {
    await viaProxy?.close();
    await direct?.close();
    await proxy?.close();
    await schema?.drop();
  });

  const batch = (n: number): WriteBatch => ({
    users: [{ id: `new${n}` }],
    events: Array.from({ length: 50 }, (_, i) => ({ id: `e${n}-${i}`, user: 'u2', type: 'like' as const, post: 'p1', timestamp: 1000 + i })),
  });

  it('a write fails with STORE_UNAVAILABLE (503, retry-after); a transaction cut midway keeps nothing', async () => {
    let wroteFirst = false;
    const tx = viaProxy.transaction(async (w) => {
      await w.write(batch(1));
      wroteFirst = true;
      await proxy.close();
      await w.write(batch(2));
    });
    const txErr = await failure(tx);
    expect(wroteFirst).toBe(true);
    expect(isResonateError(txErr, 'STORE_UNAVAILABLE'), String(txErr)).toBe(true);

    const err = await failure(viaProxy.write(batch(3)));
    expect(isResonateError(err, 'STORE_UNAVAILABLE'), String(err)).toBe(true);
    expect((err as ResonateError).statusCode).toBe(503);
    expect((err as ResonateError).retryAfterSeconds).toBeGreaterThan(0);
    // Reads say the same; nothing of either write reached the server.
    expect(await failure(viaProxy.counts())).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await direct.counts()).toEqual({ users: 2, posts: 1, follows: 0, events: 0 });
  });

  it('writes work again once the server is reachable, on the same store', async () => {
    await proxy.open();
    expect(await viaProxy.write(batch(3))).toMatchObject({ users: 1, events: 50 });
    expect(await viaProxy.transaction(async (w) => w.write(batch(1)))).toMatchObject({ events: 50 });
    expect(await direct.counts()).toEqual({ users: 4, posts: 1, follows: 0, events: 100 });
    expect(await direct.existingUsers(['new1', 'new2', 'new3'])).toEqual(new Set(['new1', 'new3']));
  });

  it('over HTTP: a write answers 503 STORE_UNAVAILABLE with retry-after while the server is away, then 200', async () => {
    const engine = await createEngine({ overrides: { store: { url: proxiedUrl }, models: { ranker: false, behavior: false, dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-pg-loss-${process.pid}` }, feed: { materializeUsers: 0 } } });
    const app = await createServer(engine);
    try {
      await proxy.close();
      const refused = await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'http1' }] });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('retry in 2 s') });
      expect(refused.headers['retry-after']).toBe('2');
      await proxy.open();
      expect((await app.inject({ method: 'POST', url: '/v1/users', payload: [{ id: 'http1' }] })).statusCode).toBe(200);
      expect(await direct.getUser('http1')).toEqual({ id: 'http1' });
    } finally {
      await app.close();
      await engine.close();
    }
  });
});

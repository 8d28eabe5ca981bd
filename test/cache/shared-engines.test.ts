/**
 * Several API processes over one store and one Redis (`cache.url`), here two or three engines in one test process
 * sharing a SQLite file and a models folder: first pages ranked by one are served by another, a write through one
 * invalidates the pages of the others, a version published by one is served by the others, and a Redis outage
 * (a TCP proxy cut, never the real server) leaves every request answered and heals when Redis is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { dropPrefix, eventually, randomPrefix, redisTarget, TEST_REDIS_URL } from '../fixtures/test-redis.js';

const suite = TEST_REDIS_URL === '' ? describe.skip : describe;

suite('engines sharing Redis', () => {
  const prefix = randomPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'resonate-shared-'));
  let a: Engine, b: Engine, c: Engine;
  let proxy: TcpProxy;
  const logLines: string[] = [];

  const overrides = (url: string): ResonateConfigInput => ({
    store: { url: `sqlite://${join(dir, 'store.db')}` },
    models: { dir: join(dir, 'models'), ranker: false, behavior: false, validate: false },
    feed: { materializeUsers: 0 },
    impressions: { enabled: false },
    cache: { url, keyPrefix: prefix },
  });

  const ids = async (e: Engine, user: string, pageSize = 4): Promise<string[]> => (await e.feed(user, { pageSize })).items.map((i) => i.postId);

  beforeAll(async () => {
    a = await createEngine({ overrides: overrides(TEST_REDIS_URL) });
    const net = smallNetwork();
    for (const kind of ['users', 'posts', 'follows', 'events'] as const) await a.ingest(kind, net[kind]);
    await a.train();
    b = await createEngine({ overrides: overrides(TEST_REDIS_URL) });
    expect((await b.load())?.manifest.version).toBe(1);
    proxy = await TcpProxy.start(redisTarget());
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
    c = await createEngine({ overrides: overrides(`redis://127.0.0.1:${proxy.port}`), logger: pino({ level: 'info' }, sink) });
    await c.load();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b, c].map((e) => e?.close()));
    await proxy?.close();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a first page ranked by one process is another's, cursor included", async () => {
    const first = await a.feed('hal', { pageSize: 3 });
    await a.shared.settled();
    const there = await b.feed('hal', { pageSize: 3 });
    expect(there.items.map((i) => i.postId)).toEqual(first.items.map((i) => i.postId));
    // The cursor names the snapshot time of the list: the same list, not a second ranking that happens to agree.
    expect(first.nextCursor).toBeDefined();
    expect(there.nextCursor).toBe(first.nextCursor);
    const second = await b.feed('hal', { cursor: there.nextCursor! });
    expect(second.items.map((i) => i.postId)).toEqual((await a.feed('hal', { cursor: first.nextCursor! })).items.map((i) => i.postId));
  });

  it("a like through one process makes the other's next page of that user rank afresh", async () => {
    const before = await ids(b, 'gus');
    await b.shared.settled();
    const liked = before[0]!;
    await a.ingest('events', [{ id: 'shared-like-1', user: 'gus', type: 'like', post: liked, timestamp: Date.now() }]);
    // Without the broadcast, b would serve its cached page (feed.cacheTtlSeconds: 30 s) with the liked post on it.
    expect(await eventually(async () => !(await ids(b, 'gus')).includes(liked), 3000)).toBe(true);
  });

  it("a followee's new post through one process reaches the follower's page on another", async () => {
    expect(await ids(b, 'ana', 10)).not.toContain('ben-new');
    await b.shared.settled();
    await a.ingest('posts', [{ id: 'ben-new', author: 'ben', text: 'a new lasagne recipe with fresh basil #cooking', tags: ['cooking'], created_at: new Date().toISOString() }]);
    expect(await eventually(async () => (await ids(b, 'ana', 10)).includes('ben-new'), 3000)).toBe(true);
  });

  it('Redis cut: requests still answer, a warning is logged once, and the process catches up when it is back', async () => {
    const app = await createServer(c);
    try {
      const liked = (await ids(c, 'eve'))[0]!;
      proxy.cut();
      // Missed while cut: the like written through another process.
      await a.ingest('events', [{ id: 'shared-like-2', user: 'eve', type: 'like', post: liked, timestamp: Date.now() }]);
      for (const user of ['eve', 'fay', 'gus', 'ana', 'newcomer']) {
        const res = await app.inject(`/v1/users/${user}/feed`);
        expect(res.statusCode).toBe(200);
      }
      await c.ingest('events', [{ id: 'shared-view-3', user: 'fay', type: 'view', post: 'c00', timestamp: Date.now() }]);
      expect((await app.inject('/health')).statusCode).toBe(200);
      expect(logLines.filter((l) => l.includes('redis unreachable')).length).toBe(1);
      proxy.restore();
      // Back: the invalidation it missed is made up for by dropping its pages.
      expect(await eventually(async () => !(await ids(c, 'eve')).includes(liked), 8000)).toBe(true);
      expect(await eventually(() => logLines.some((l) => l.includes('redis reachable again')), 8000)).toBe(true);
      // And it shares again: a page ranked by a is read here.
      const fromA = await a.feed('dee', { pageSize: 3 });
      await a.shared.settled();
      expect((await c.feed('dee', { pageSize: 3 })).nextCursor).toBe(fromA.nextCursor);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('a version published by one process is served by the others without a restart', async () => {
    const report = await a.train();
    expect(report.version).toBe(2);
    expect(await eventually(async () => (await b.stats()).modelVersion?.version === 2, 10_000)).toBe(true);
    expect(await eventually(async () => (await c.stats()).modelVersion?.version === 2, 10_000)).toBe(true);
  }, 60_000);
});

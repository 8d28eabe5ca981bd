/**
 * Rate limits shared through Redis (`cache.url`): two API servers count one caller's requests together, and a
 * Redis outage (a TCP proxy cut, never the real server) leaves requests answered instead of failing them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { dropPrefix, randomPrefix, redisTarget, TEST_REDIS_URL } from '../fixtures/test-redis.js';

const suite = TEST_REDIS_URL === '' ? describe.skip : describe;
const MAX = 5;

suite('rate limits shared across servers', () => {
  const prefix = randomPrefix();
  let proxy: TcpProxy;
  const engines: Engine[] = [];
  const apps: FastifyInstance[] = [];

  const overrides = (url: string): ResonateConfigInput => ({
    store: { url: 'sqlite://:memory:' },
    server: { rateLimit: { max: MAX, timeWindowMs: 60_000 } },
    impressions: { enabled: false },
    cache: { url, keyPrefix: prefix },
  });

  beforeAll(async () => {
    proxy = await TcpProxy.start(redisTarget());
    for (const url of [TEST_REDIS_URL, TEST_REDIS_URL, `redis://127.0.0.1:${proxy.port}`]) {
      const engine = await createEngine({ overrides: overrides(url) });
      engines.push(engine);
      apps.push(await createServer(engine));
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const e of engines) await e.close();
    await proxy?.close();
    await dropPrefix(prefix);
  });

  it("one caller's requests to two servers count against one limit", async () => {
    const [one, two] = apps as [FastifyInstance, FastifyInstance];
    const codes: number[] = [];
    // Alternating servers: each sees only 3 of the 6 requests, under its own share of MAX, yet the 6th is refused.
    for (let i = 0; i < MAX + 1; i++) codes.push((await (i % 2 === 0 ? one : two).inject('/health')).statusCode);
    expect(codes).toEqual([...Array<number>(MAX).fill(200), 429]);
    const refused = await one.inject('/health');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    // Another caller (client address) has its own count.
    expect((await two.inject({ url: '/health', remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
  });

  it('with Redis unreachable, requests are answered, not failed', async () => {
    const app = apps[2]!;
    proxy.cut();
    try {
      const codes = [];
      for (let i = 0; i < MAX + 3; i++) codes.push((await app.inject({ url: '/health', remoteAddress: '10.0.0.7' })).statusCode);
      // Not counted while Redis is away (skipOnError): no 500, no 429.
      expect(codes.every((c) => c === 200)).toBe(true);
    } finally {
      proxy.restore();
    }
  });
});

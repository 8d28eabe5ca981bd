/**
 * GET /metrics and /health: who may read the metrics (metrics.public, the `metrics` scope), and that the figures
 * follow what the server did (requests by route pattern, ingest and impression-log queues, model version, first-page
 * origins).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { hashSecret } from '../../src/api/api-keys.js';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { smallNetwork } from '../fixtures/small-network.js';

const SCRAPER = 'rsn_scraper-secret-000000000000000000000000000';
const READER = 'rsn_reader-secret-0000000000000000000000000000';
const ADMIN = 'rsn_admin-secret-00000000000000000000000000000';
const keys: ResonateConfigInput['server'] = {
  apiKeys: [
    { hash: hashSecret(SCRAPER), scopes: ['metrics'], name: 'scraper' },
    { hash: hashSecret(READER), scopes: ['read'], name: 'reader' },
    { hash: hashSecret(ADMIN), scopes: ['admin'], name: 'admin' },
  ],
};

const open: { engine: Engine; app: FastifyInstance }[] = [];

async function serverWith(overrides: ResonateConfigInput): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, ...overrides } });
  const app = await createServer(engine);
  open.push({ engine, app });
  return { engine, app };
}

afterEach(async () => {
  for (const { engine, app } of open.splice(0)) {
    await app.close();
    await engine.close();
  }
});

/** The value of one sample line (`name{labels} value`) of a Prometheus text answer. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics access', () => {
  it('needs a key with the metrics or admin scope by default; a read key or none is refused', async () => {
    const { app } = await serverWith({ server: keys });
    expect((await app.inject('/metrics')).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await app.inject({ url: '/metrics', headers: { 'x-api-key': READER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
    for (const key of [SCRAPER, ADMIN]) {
      const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  it('a metrics key reads nothing else', async () => {
    const { app } = await serverWith({ server: keys });
    expect((await app.inject({ url: '/v1/stats', headers: { 'x-api-key': SCRAPER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.inject({ url: '/v1/trending', headers: { 'x-api-key': SCRAPER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('is public with metrics.public', async () => {
    const { app } = await serverWith({ server: keys, metrics: { public: true } });
    expect((await app.inject('/metrics')).statusCode).toBe(200);
  });
});

describe('what /metrics counts', () => {
  it('requests by route pattern, queues, model version and first-page origins', async () => {
    const { engine, app } = await serverWith({ models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-metrics-test-${process.pid}` }, impressions: { flushMs: 60_000 } });
    const net = smallNetwork();
    for (const [kind, rows] of [['users', net.users], ['posts', net.posts], ['follows', net.follows], ['events', net.events]] as const) {
      expect((await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows })).statusCode).toBe(200);
    }
    let text = (await app.inject('/metrics')).body;
    expect(sample(text, 'resonate_model_version', '{process="0"}')).toBe(-1);
    const report = await engine.train();
    const user = net.users[0]!.id;
    for (let i = 0; i < 3; i++) expect((await app.inject(`/v1/users/${user}/feed`)).statusCode).toBe(200);
    text = (await app.inject('/metrics')).body;
    expect(sample(text, 'resonate_model_version', '{process="0"}')).toBe(report.version);
    expect(sample(text, 'resonate_http_request_duration_seconds_count', '{method="GET",route="/v1/users/:id/feed",status_code="200"}')).toBe(3);
    expect(sample(text, 'resonate_http_request_duration_seconds_count', '{method="POST",route="/v1/events",status_code="200"}')).toBe(1);
    // No user id reaches a label.
    expect(text).not.toContain(user);
    expect(sample(text, 'resonate_ingest_batches_in_flight')).toBe(0);
    // The three pages are buffered (flush every minute): the impression log's queue holds their rows.
    expect(sample(text, 'resonate_impression_log_pending_rows')).toBe(engine.runtime().impressions.pending);
    expect(engine.runtime().impressions.pending).toBeGreaterThan(0);
    // The first request ranked, the two after it reused the list (counters are per process: compare differences).
    const ranked = sample(text, 'resonate_feed_first_pages_total', '{origin="ranked"}')!;
    const local = sample(text, 'resonate_feed_first_pages_total', '{origin="local"}')!;
    expect(ranked).toBeGreaterThanOrEqual(1);
    expect(local).toBeGreaterThanOrEqual(2);
    await app.inject(`/v1/users/${user}/feed`);
    const after = (await app.inject('/metrics')).body;
    expect(sample(after, 'resonate_feed_first_pages_total', '{origin="local"}')).toBe(local + 1);
    expect(sample(after, 'resonate_feed_first_pages_total', '{origin="ranked"}')).toBe(ranked);
    expect(sample(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('/health reads no table and names the serving version and the shared state', async () => {
    const { app } = await serverWith({});
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok', trained: false, store: 'sqlite', cache: 'memory', modelVersion: null, problems: [] });
  });
});

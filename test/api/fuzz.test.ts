/**
 * HTTP fuzz: malformed and hostile input to every route. Whatever arrives, the answer is a catalogued error
 * below 500 (or a success), never a 500 and never a crash; no prototype is polluted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { encodeCursor } from '../../src/feed/cursor.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-fuzz-test-models`, ranker: false, behavior: false } } });
  app = await createServer(engine);
  for (const [kind, rows] of [['users', net.users], ['posts', net.posts], ['follows', net.follows], ['events', net.events]] as const) {
    expect((await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows })).statusCode).toBe(200);
  }
  await engine.train({ save: false });
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const failures: string[] = [];

/** Sends one request; records anything that is a 5xx or not a catalogued error shape. */
async function probe(opts: InjectOptions, label: string): Promise<number> {
  const res = await app.inject(opts);
  const where = `${label}: ${String(opts.method ?? 'GET')} ${String(opts.url).slice(0, 120)}`;
  if (res.statusCode >= 500) failures.push(`${where} → ${res.statusCode} ${res.body.slice(0, 200)}`);
  else if (res.statusCode >= 400) {
    const body = res.json() as { code?: unknown; message?: unknown; statusCode?: unknown };
    if (typeof body.code !== 'string' || typeof body.message !== 'string' || body.statusCode !== res.statusCode) failures.push(`${where} → uncatalogued ${res.body.slice(0, 200)}`);
  }
  return res.statusCode;
}

const ROW_ROUTES = ['/v1/users', '/v1/posts', '/v1/follows', '/v1/events'];
const GET_ROUTES = ['/health', '/v1/stats', '/v1/users', '/v1/users/ana/feed', '/v1/users/ana/who-to-follow', '/v1/users/ana/profile', '/v1/trending?kind=hashtags&order=rising', '/v1/users/ana/behavior', '/v1/users/ana/export', '/v1/posts/c00/similar', '/v1/trending', '/v1/search?q=basil', '/v1/private/trending', '/v1/private/stats', '/v1/admin/audit', '/v1/admin/experiments', '/v1/admin/experiments/none', '/v1/admin/moderation/flagged', '/v1/admin/moderation/flagged?days=1&limit=3', '/docs/json', '/v1/users/ana/safety', '/v1/users/ana/following-feed', '/v1/posts/c00/replies', '/v1/posts/c00/replies?order=chronological&viewer=ana', '/v1/admin/reports', '/xrpc/app.bsky.feed.getFeedSkeleton?feed=at%3A%2F%2Fdid%3Aweb%3Alocalhost%2Fapp.bsky.feed.generator%2Ffor-you', '/xrpc/app.bsky.feed.describeFeedGenerator', '/.well-known/did.json', '/v1/search?q=basil&type=users', '/v1/search?q=basil&type=hashtags', '/v1/search?q=basil&user=ana&fusion=blend', '/v1/users/ana/predicted-rating?post=c00', '/metrics', '/v1/admin/campaigns', '/v1/admin/campaigns/none', '/v1/admin/timeseries?metric=events', '/v1/admin/timeseries?metric=impressions&bucket=day', '/v1/admin/models', '/v1/admin/users/ana', '/v1/admin/posts/c00', '/vendor/uplot/uPlot.esm.js', '/v1/posts/c00/reply-suggestions', '/v1/posts/c00/reply-suggestions?user=ana&limit=2'];

const MALFORMED_JSON = [
  '', ' ', '[', '{"a":', '[{"id": "x",', 'NaN', '[NaN]', '[Infinity]', '[-Infinity]', '[{"id":"x","created_at":NaN}]',
  '[{"id":"x","created_at":Infinity}]', 'undefined', "[{'id':'x'}]", '[{"id":"x"}]]', '\u0000', '[1,]', '{"__proto__":',
  '['.repeat(50_000), '{"a":'.repeat(20_000), '"\\ud800"', '[{"id":"\\u0000"}]',
  // Deep but valid: the prototype-key scan and validation must not overflow the stack.
  `${'['.repeat(100_000)}"constructor"${']'.repeat(100_000)}`, `[{"id":"a","features":${'{"constructor":'.repeat(50_000)}1${'}'.repeat(50_000)}}]`,
  `[{"id":"a","features":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}]`, `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
];

const huge = 'x'.repeat(2_000_000);
const HOSTILE_ROWS: unknown[] = [
  {}, [], 'string', 42, null, true, [null], [[]], [42], ['x'], [{}],
  [{ id: '__proto__' }], [{ id: 'constructor' }], [{ id: 'prototype' }], [{ id: 'toString' }], [{ id: 'hasOwnProperty' }],
  [{ id: huge }], [{ id: 'big', name: huge }], [{ id: 'p-huge', author: 'ana', text: huge, created_at: 1 }],
  [{ id: 1e308 }], [{ id: -0 }], [{ id: null }], [{ id: ['a'] }], [{ id: { a: 1 } }],
  [{ id: 'f', author: 'ana', text: 't', created_at: 1e308 }], [{ id: 'f', author: 'ana', text: 't', created_at: -1e308 }],
  [{ id: 'f2', author: 'ana', text: 't', created_at: 1, tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) }],
  [{ id: 'f3', author: 'ana', text: 't', created_at: 1, features: { a: { b: { c: { d: 1 } } } } }],
  [{ id: 'f4', author: '__proto__', text: 't', created_at: 1 }],
  [{ follower: 'ana', followee: 'ana' }], [{ follower: '__proto__', followee: 'constructor' }],
  [{ id: 'e1', user: 'ana', type: 'like', post: '__proto__', timestamp: 1 }], [{ id: 'e2', user: 'ana', type: '__proto__', post: 'c00', timestamp: 1 }],
  [{ id: 'e3', user: 'ana', type: 'rating', post: 'c00', value: 1e308, timestamp: 1 }], [{ id: 'e4', user: 'ana', type: 'dwell', post: 'c00', value: -1, timestamp: 'x' }],
  [{ id: 'e5', user: 'ana', type: 'like', post: 'c00', timestamp: '2024-13-45T99:99:99Z' }],
];
const POLLUTING = ['[{"id":"a","__proto__":{"polluted":1}}]', '[{"id":"a","constructor":{"prototype":{"polluted":1}}}]', '{"__proto__":{"polluted":1}}', '[{"id":"a","features":{"__proto__":{"polluted":1}}}]'];

const FTS = ['"', '""', '"a', 'NEAR(', 'NEAR(a b, 2)', '*', 'a*', 'AND OR', 'AND', 'OR', 'NOT', 'a NOT b', '(', ')', '((a)', ':', 'text:basil', '^a', '-a', '+', '{a b}', "'", '\\', '%', '_', '\u0000', '🍝', 'ñandú', 'a'.repeat(512), 'a '.repeat(256), '"'.repeat(512), 'NEAR('.repeat(100)];
const NUMBERS = ['NaN', 'Infinity', '-Infinity', '-1', '0', '1e999', '1e-999', '0x10', '1.5', '__proto__', '', ' ', '9'.repeat(400), '1,2', 'null'];
const IDS = ['__proto__', 'constructor', 'toString', 'prototype', '%00', '%22', '..%2F..%2Fetc', 'a'.repeat(5000), '%F0%9F%8D%9D', '%20', "'", '%25', 'c00%00'];
const BAD_URLS = ['/v1/users/%zz/feed', '/v1/posts/%E0%A4%A/similar', '/%', '/%zz', '/v1/search?q=%ZZ', '/v1/search?q=%', '//v1//stats', '/v1/stats?' + 'a=1&'.repeat(3000), '/v1/users/ana/feed?cursor=%', '/v1/search?q=a&q=b', '/v1/search?q[]=a', '/v1/search?q[__proto__]=a', '/v1/search?__proto__[q]=x&q=y', '/v1/trending?kind=__proto__', '/v1/trending?kind[]=posts'];

describe('HTTP fuzz: no input gives a 500 or a crash', () => {
  it('malformed, hostile and prototype-polluting JSON bodies to every write route', async () => {
    for (const url of [...ROW_ROUTES, '/v1/admin/train', '/v1/compose/suggest', '/v1/admin/campaigns']) {
      for (const payload of [...MALFORMED_JSON, ...POLLUTING]) await probe({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } }, 'body');
    }
    for (const url of ROW_ROUTES) {
      for (const rows of HOSTILE_ROWS) await probe({ method: 'POST', url, payload: JSON.stringify(rows), headers: { 'content-type': 'application/json' } }, 'rows');
      for (const [type, payload] of [['text/plain', '[]'], ['application/x-www-form-urlencoded', 'a=1'], ['application/json; charset=latin1', '[]'], ['multipart/form-data; boundary=x', '--x--'], ['', '[]']] as const) {
        await probe({ method: 'POST', url, payload, headers: type === '' ? {} : { 'content-type': type } }, 'content-type');
      }
    }
    const rand = rng(7);
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      await probe({ method: 'POST', url: ROW_ROUTES[i % ROW_ROUTES.length]!, payload: bytes, headers: { 'content-type': 'application/json' } }, 'random bytes');
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('FTS syntax and odd text in /v1/search?q=', async () => {
    for (const q of FTS) {
      const status = await probe({ url: `/v1/search?q=${encodeURIComponent(q)}` }, 'search');
      expect([200, 400], q).toContain(status);
    }
    expect(failures).toEqual([]);
  });

  it('odd numbers, ids and query parameters on every read route', async () => {
    for (const n of NUMBERS) {
      const v = encodeURIComponent(n);
      for (const url of [`/v1/users/ana/feed?limit=${v}`, `/v1/posts/c00/similar?k=${v}`, `/v1/trending?k=${v}`, `/v1/trending?kind=topics&k=${v}`, `/v1/trending?kind=hashtags&k=${v}`, `/v1/search?q=basil&limit=${v}`, `/v1/users?limit=${v}`, `/v1/posts/c00/reply-suggestions?limit=${v}`]) {
        await probe({ url }, 'number');
      }
    }
    for (const id of IDS) {
      for (const url of [`/v1/users/${id}/feed`, `/v1/users/${id}/who-to-follow`, `/v1/users/${id}/behavior`, `/v1/users/${id}/export`, `/v1/posts/${id}/similar`, `/v1/posts/${id}/reply-suggestions`, `/v1/posts/c00/reply-suggestions?user=${id}`]) await probe({ url }, 'id');
      await probe({ method: 'DELETE', url: `/v1/users/${id}?replies=${id}` }, 'erase id');
    }
    for (const url of GET_ROUTES) {
      await probe({ url, headers: { 'content-type': 'application/json' }, method: 'GET' }, 'get+type');
      await probe({ url: `${url}${url.includes('?') ? '&' : '?'}__proto__=1&constructor=2` }, 'proto query');
      await probe({ method: 'DELETE', url }, 'method');
    }
    expect(failures).toEqual([]);
  });

  it('retraction routes: odd ids, hostile edit bodies', async () => {
    for (const id of IDS) {
      await probe({ method: 'DELETE', url: `/v1/posts/${id}` }, 'delete post');
      await probe({ method: 'PATCH', url: `/v1/posts/${id}`, payload: { text: 'x' } }, 'edit post');
      await probe({ method: 'DELETE', url: `/v1/events/${id}` }, 'undo event');
    }
    for (const payload of [...MALFORMED_JSON, ...POLLUTING]) await probe({ method: 'PATCH', url: '/v1/posts/c00', payload, headers: { 'content-type': 'application/json' } }, 'edit body');
    for (const body of [...HOSTILE_ROWS, { author: 'bob' }, { text: huge }, { tags: [huge] }, { features: { a: { b: 1 } } }, { lang: 42 }, { created_at: 1 }]) {
      await probe({ method: 'PATCH', url: '/v1/posts/c00', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, 'edit rows');
    }
    expect(failures).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('hostile campaign bodies and ids', async () => {
    const ok = { id: 'fuzz-c', postId: 'c00', bid: 1, dailyBudget: 10 };
    expect(await probe({ method: 'POST', url: '/v1/admin/campaigns', payload: ok }, 'campaign')).toBe(200);
    const bodies: unknown[] = [
      {}, [], null, 42, 'x', { ...ok, id: 'f1', bid: -1 }, { ...ok, id: 'f2', bid: 'NaN' }, { ...ok, id: 'f3', dailyBudget: Number.POSITIVE_INFINITY }, { ...ok, id: 'f4', dailyBudget: 0 },
      { ...ok, id: 'f5', postId: '' }, { ...ok, id: 'f6', postId: '__proto__' }, { ...ok, id: 'f7', postId: 'x'.repeat(5000) }, { ...ok, id: 'f8', targeting: [] },
      { ...ok, id: 'f9', targeting: { communities: ['a'] } }, { ...ok, id: 'f10', targeting: { topics: [''] } }, { ...ok, id: 'f11', targeting: { hashtags: Array.from({ length: 1000 }, (_, i) => `t${i}`) } },
      { ...ok, id: 'f12', targeting: { topics: 'jazz' } }, { ...ok, id: 'f13', frequencyCap: 0.5 }, { ...ok, id: 'f14', startAt: -1 }, { ...ok, id: 'f15', endAt: 1 },
      { ...ok, id: 'f16', status: 'running' }, { ...ok, id: '__proto__' }, { ...ok, id: 'a'.repeat(500) }, { ...ok, extra: 1, id: 'f17' }, { ...ok, id: 'fuzz-c' },
      { ...ok, id: 'f18', targeting: { __proto__: { polluted: 1 } } },
    ];
    for (const body of bodies) {
      const payload = JSON.stringify(body);
      await probe({ method: 'POST', url: '/v1/admin/campaigns', payload, headers: { 'content-type': 'application/json' } }, 'campaign body');
      await probe({ method: 'PATCH', url: '/v1/admin/campaigns/fuzz-c', payload, headers: { 'content-type': 'application/json' } }, 'campaign patch');
    }
    for (const id of IDS) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) await probe({ method, url: `/v1/admin/campaigns/${id}`, ...(method === 'PATCH' ? { payload: { bid: 2 } } : {}) }, 'campaign id');
    }
    expect(await probe({ method: 'DELETE', url: '/v1/admin/campaigns/fuzz-c' }, 'campaign delete')).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures).toEqual([]);
  });

  it('tampered cursors', async () => {
    const good = encodeCursor('ana', { offset: 0, pageSize: 4, asOf: Date.now() });
    const tag = (JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as { u: string }).u;
    const raw = ['null', '0', '-1', '"x"', '[]', '{}', 'true', `{"o":0,"n":0,"s":1,"u":"${tag}"}`, `{"o":0,"n":1e300,"s":1,"u":"${tag}"}`,
      `{"o":1e300,"n":4,"s":1,"u":"${tag}"}`, `{"o":0.5,"n":4,"s":1,"u":"${tag}"}`, `{"o":0,"n":4,"s":1e308,"u":"${tag}"}`, `{"o":0,"n":4,"s":-1e308,"u":"${tag}"}`,
      `{"o":0,"n":4,"s":1,"u":"other"}`, `{"o":0,"n":4,"s":1,"u":"${tag}","__proto__":{"polluted":1}}`];
    const cursors = [...raw.map((r) => Buffer.from(r).toString('base64url')), '', '!!!', '====', 'a'.repeat(1999), 'a'.repeat(2001), good.slice(0, -2), `${good}x`];
    const rand = rng(11);
    for (let i = 0; i < 40; i++) {
      const chars = good.split('');
      chars[Math.floor(rand() * chars.length)] = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(rand() * 64)]!;
      cursors.push(chars.join(''));
    }
    for (const c of cursors) {
      const status = await probe({ url: `/v1/users/ana/feed?limit=4&cursor=${encodeURIComponent(c)}` }, 'cursor');
      expect([200, 400], c.slice(0, 60)).toContain(status);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('malformed URLs', async () => {
    for (const url of BAD_URLS) {
      const status = await probe({ url }, 'url');
      expect(status, url).toBeLessThan(500);
    }
    expect(failures).toEqual([]);
  });

  it('is still serving afterwards', async () => {
    expect((await app.inject('/health')).json()).toMatchObject({ status: 'ok' });
    expect((await app.inject('/v1/search?q=basil')).statusCode).toBe(200);
  });
});

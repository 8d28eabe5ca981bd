/**
 * The console routes: time series on the data's own clock (the small network's events all fall in its 20th hour),
 * the saved model versions, a user's and a post's record, the uPlot files; admin only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../../src/api/api-keys.js';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

const ADMIN = 'admin-key-123456', READER = 'reader-key-123456';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const net = smallNetwork();
const dir = mkdtempSync(join(tmpdir(), 'resonate-console-'));
let engine: Engine;
let app: FastifyInstance;
const admin = (url: string) => app.inject({ url, headers: { 'x-api-key': ADMIN } });

beforeAll(async () => {
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { dir, ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0 },
      server: { apiKeys: [{ hash: hashSecret(ADMIN), scopes: ['admin', 'read', 'write'] }, { hash: hashSecret(READER), scopes: ['read'] }] },
    },
  });
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train();
  app = await createServer(engine);
});
afterAll(async () => {
  await app.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/admin/timeseries', () => {
  it('ends the window at the newest event (the data\'s clock) and zero-fills the empty buckets', async () => {
    const res = await admin('/v1/admin/timeseries?metric=events&bucket=hour');
    expect(res.statusCode).toBe(200);
    const s = res.json() as { clock: string; since: number; until: number; points: { start: number; value: number }[] };
    expect(s.clock).toBe('data');
    expect(s.until).toBe(T0 + 21 * HOUR);
    expect(s.points).toHaveLength(48);
    expect(s.points.at(-1)).toEqual({ start: T0 + 20 * HOUR, value: net.events.length });
    expect(s.points.slice(0, -1).every((p) => p.value === 0)).toBe(true);
  });

  it('counts active users and engagement (likes and shares here) per day', async () => {
    const users = (await admin('/v1/admin/timeseries?metric=active_users&bucket=day')).json() as { points: { start: number; value: number }[] };
    expect(users.points.at(-1)).toEqual({ start: T0, value: new Set(net.events.map((e) => e.user)).size });
    const engaged = (await admin('/v1/admin/timeseries?metric=engagement&bucket=day')).json() as { points: { value: number }[] };
    expect(engaged.points.at(-1)!.value).toBe(net.events.filter((e) => e.type === 'like' || e.type === 'share').length);
    expect(engaged.points).toHaveLength(60);
  });

  it('takes since and until as epoch ms or ISO dates', async () => {
    const s = (await admin(`/v1/admin/timeseries?metric=events&since=${T0 + 19 * HOUR}&until=2026-01-01T22:00:00Z`)).json() as { clock: string; points: { value: number }[] };
    expect(s.clock).toBe('request');
    expect(s.points.map((p) => p.value)).toEqual([0, net.events.length, 0]);
  });

  it('names a bad metric, a backwards window and a window too long', async () => {
    for (const url of ['/v1/admin/timeseries', '/v1/admin/timeseries?metric=nope', '/v1/admin/timeseries?metric=events&bucket=week', '/v1/admin/timeseries?metric=events&since=yesterday',
      `/v1/admin/timeseries?metric=events&since=${T0}&until=${T0}`, `/v1/admin/timeseries?metric=events&since=0&until=${T0}`]) {
      const res = await admin(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('INVALID_INPUT');
    }
  });

  it('needs the admin scope', async () => {
    expect((await app.inject({ url: '/v1/admin/timeseries?metric=events', headers: { 'x-api-key': READER } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/v1/admin/timeseries?metric=events' })).statusCode).toBe(401);
  });
});

describe('console records', () => {
  it('lists the saved version with its models, marked current and serving', async () => {
    const body = (await admin('/v1/admin/models')).json() as { current: number; serving: number; versions: { version: number; current: boolean; models: { key: string }[]; data: { users: number } }[]; training: { retraining: string }; problems: unknown[] };
    expect(body.versions).toHaveLength(1);
    expect(body.versions[0]).toMatchObject({ version: body.current, current: true, data: { users: 8 } });
    expect(body.serving).toBe(body.current);
    expect(body.versions[0]!.models.map((m) => m.key)).toContain('rp3beta');
    expect(body.training.retraining).toBe('idle');
    expect(Array.isArray(body.problems)).toBe(true);
  });

  it("shows a user's row, follow counts and newest events", async () => {
    const body = (await admin('/v1/admin/users/eve?limit=3')).json() as { user: { id: string }; following: number; followers: number; events: { user: string; timestamp: number }[] };
    expect(body.user.id).toBe('eve');
    expect(body.following).toBe(net.follows.filter((f) => f.follower === 'eve').length);
    expect(body.followers).toBe(net.follows.filter((f) => f.followee === 'eve').length);
    expect(body.events).toHaveLength(3);
    expect(body.events[0]!.timestamp).toBe(Math.max(...net.events.filter((e) => e.user === 'eve').map((e) => Number(e.timestamp))));
    expect((await admin('/v1/admin/users/nobody')).json().code).toBe('NOT_FOUND');
  });

  it("shows a post's engagement by type and its moderation state, taken down after a takedown", async () => {
    const counts = (id: string): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const e of net.events) if (e.post === id) out[e.type] = (out[e.type] ?? 0) + 1;
      return out;
    };
    const before = (await admin('/v1/admin/posts/c00')).json() as { events: Record<string, number>; takenDown: boolean; flagged: boolean; offensive: number | null };
    expect(before).toMatchObject({ events: counts('c00'), takenDown: false, flagged: false, offensive: null });
    await app.inject({ method: 'POST', url: '/v1/admin/posts/c00/takedown', headers: { 'x-api-key': ADMIN }, payload: { reason: 'test' } });
    expect((await admin('/v1/admin/posts/c00')).json().takenDown).toBe(true);
    expect((await admin('/v1/admin/posts/zz')).statusCode).toBe(404);
  });
});

describe('console files', () => {
  it('serves uPlot from the installed package, and only its two files', async () => {
    const js = await app.inject({ url: '/vendor/uplot/uPlot.esm.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toMatch(/export \{ uPlot as default \}|export default/);
    expect((await app.inject({ url: '/vendor/uplot/uPlot.min.css' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/vendor/uplot/uPlot.cjs.js' })).statusCode).toBe(404);
  });
});

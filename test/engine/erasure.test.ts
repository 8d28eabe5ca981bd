/**
 * Erasure, export and personalization switched off, through the engine and the HTTP API. The erasure test
 * proves that right after an erasure, without any retraining, other users get exactly the recommendations and the
 * feed of an engine trained on data that never held the erased user (every served model here can `forget`), and
 * that the saved versions follow: a new version without the user, the older ones deleted, a restart serving the
 * same; a version written before an erasure is unlearned when it is loaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../src/api/server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, listVersions, loadVersion, type Engine } from '../../src/engine/index.js';
import { smallNetwork, type SmallNetwork } from '../fixtures/small-network.js';

const ERASED = 'ben';
const overrides = { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false, dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-erasure-test-${process.pid}` }, feed: { materializeUsers: 0, sources: [{ id: 'in-network', weight: 1 }, { id: 'item-knn/cosine', weight: 1 }, { id: 'popular/trending', weight: 0.5 }, { id: 'fresh', weight: 0.5 }] } };

function without(net: SmallNetwork, user: string): SmallNetwork {
  const posts = net.posts.filter((p) => p.author !== user);
  const kept = new Set(posts.map((p) => p.id));
  return {
    users: net.users.filter((u) => u.id !== user),
    posts,
    follows: net.follows.filter((f) => f.follower !== user && f.followee !== user),
    events: net.events.filter((e) => e.user !== user && e.target_user !== user && (e.post === undefined || kept.has(e.post))),
  };
}

async function engineWith(net: SmallNetwork, options: { dir?: string; train?: { id: string; params?: Record<string, unknown> }[] } = {}): Promise<Engine> {
  const engine = await createEngine({ overrides: withModels(options) });
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: options.dir !== undefined, secondary: false });
  return engine;
}

function withModels(options: { dir?: string; train?: { id: string; params?: Record<string, unknown> }[] }): typeof overrides {
  return { ...overrides, models: { ...overrides.models, ...(options.dir ? { dir: options.dir } : {}), ...(options.train ? { train: options.train } : {}) } };
}

const OTHERS = ['ana', 'cal', 'dee', 'eve', 'fay'];

/** Every model's recommendations and the first feed page of every other user are the reference engine's. */
async function expectServesAsReference(engine: Engine): Promise<void> {
  for (const user of OTHERS) {
    for (const model of ['item-knn/cosine', 'popular/trending', 'in-network']) {
      expect(await engine.recommend(user, { model, k: 10 }), `${model} for ${user}`).toEqual(await reference.recommend(user, { model, k: 10 }));
    }
    const page = await engine.feed(user, { pageSize: 10 });
    expect(page.items.every((i) => i.post.author !== ERASED)).toBe(true);
    const want = await reference.feed(user, { pageSize: 10 });
    expect(page.items.map((i) => [i.post.id, i.sources]), `feed of ${user}`).toEqual(want.items.map((i) => [i.post.id, i.sources]));
    // Freshness is measured on the wall clock at ranking time, which moves between the two requests.
    page.items.forEach((item, k) => expect(item.score).toBeCloseTo(want.items[k]!.score, 4));
  }
}

let full: Engine;
let reference: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  full = await engineWith(smallNetwork());
  reference = await engineWith(without(smallNetwork(), ERASED));
  app = await createServer(full);
});

afterAll(async () => {
  await app.close();
  await Promise.all([full.close(), reference.close()]);
});

describe('erasure', () => {
  it('exports everything stored about a user before erasure, and audits it', async () => {
    const res = await app.inject(`/v1/users/${ERASED}/export`);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json() as { user: { id: string }; posts: unknown[]; events: unknown[]; following: string[]; followers: string[] };
    expect(data.user.id).toBe(ERASED);
    expect(data.posts).toHaveLength(3);
    expect(data.events.length).toBe(smallNetwork().events.filter((e) => e.user === ERASED).length);
    expect(data.following.length).toBeGreaterThan(0);
  });

  it('erases the user and their influence: other users get what models trained without them give', async () => {
    const res = await app.inject({ method: 'DELETE', url: `/v1/users/${ERASED}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: ERASED, posts: 3 });
    // No retraining: every serving model unlearned the user before the answer.
    expect((await full.stats()).retraining).toBe('idle');
    await expectServesAsReference(full);
    expect(await full.store.counts()).toEqual(await reference.store.counts());
  });

  it('answers every read of the erased user with USER_ERASED, and an unknown user with NOT_FOUND', async () => {
    for (const url of [`/v1/users/${ERASED}/feed`, `/v1/users/${ERASED}/export`, `/v1/users/${ERASED}/behavior`]) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code, url).toBe('USER_ERASED');
    }
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/${ERASED}` })).json().code).toBe('USER_ERASED');
    // Even with nothing serving, an erased user is USER_ERASED, not "not trained".
    const idle = await createEngine({ store: full.store, overrides });
    await expect(idle.feed(ERASED)).rejects.toMatchObject({ code: 'USER_ERASED' });
    const unknown = await app.inject({ method: 'DELETE', url: '/v1/users/nobody-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
  });

  it('writes every erasure and export to the audit log', async () => {
    const entries = (await app.inject('/v1/admin/audit')).json().entries as { action: string; subject: string; actor?: string }[];
    expect(entries.map((e) => `${e.action}:${e.subject}`)).toEqual([`erase:${ERASED}`, `export:${ERASED}`]);
    expect(entries[0]!.actor).toBe('open');
  });
});

describe('erasure and saved versions', () => {
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'resonate-erasure-versions-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const holdsErased = (dir: string, version: number): boolean => loadVersion(dir, version).dataset.users.ids().includes(ERASED);

  it('writes the unlearned set as a new version, deletes the older one, and a restart serves the same', async () => {
    const dir = newDir();
    const engine = await engineWith(smallNetwork(), { dir });
    expect(listVersions(dir).versions.map((v) => v.version)).toEqual([1]);
    expect(holdsErased(dir, 1)).toBe(true);
    await engine.eraseUser(ERASED);
    await engine.secondaryTraining();
    expect(listVersions(dir).versions.map((v) => v.version)).toEqual([2]);
    expect(holdsErased(dir, 2)).toBe(false);
    const restarted = await createEngine({ store: engine.store, overrides: withModels({ dir }) });
    expect(await restarted.load()).toBeDefined();
    await expectServesAsReference(restarted);
    await Promise.all([restarted.close(), engine.close()]);
  });

  it('unlearns a version saved before an erasure when it is loaded', async () => {
    const dir = newDir();
    const engine = await engineWith(smallNetwork(), { dir });
    await engine.store.eraseUser(ERASED); // behind the serving engine's back, as by a process that then stopped
    const restarted = await createEngine({ store: engine.store, overrides: withModels({ dir }) });
    await restarted.load();
    await expectServesAsReference(restarted);
    await restarted.secondaryTraining();
    expect(listVersions(dir).versions.map((v) => v.version)).toEqual([2]);
    expect(holdsErased(dir, 2)).toBe(false);
    await Promise.all([restarted.close(), engine.close()]);
  });

  it('retrains when a serving model cannot forget, and deletes the older versions after', async () => {
    const dir = newDir();
    const engine = await engineWith(smallNetwork(), { dir, train: [{ id: 'mf/ials', params: { factors: 4, iterations: 2 } }] });
    await engine.eraseUser(ERASED);
    expect((await engine.stats()).retraining).toBe('running');
    await engine.secondaryTraining();
    expect((await engine.stats()).retraining).toBe('idle');
    const versions = listVersions(dir).versions.map((v) => v.version);
    expect(versions).toEqual([2]);
    expect(holdsErased(dir, 2)).toBe(false);
    await expectServesAsReference(engine);
    await engine.close();
  });
});

describe('personalization off', () => {
  it('builds the feed from follows and popularity only, and keeps the user’s events out of training', async () => {
    const engine = await engineWith(smallNetwork());
    const before = await engine.feed('eve', { pageSize: 10 });
    expect(before.items.some((i) => i.sources.includes('item-knn/cosine'))).toBe(true);
    await engine.ingest('users', [{ id: 'eve', personalization: false }]);
    const after = await engine.feed('eve', { pageSize: 10 });
    expect(after.items.length).toBeGreaterThan(0);
    for (const item of after.items) for (const s of item.sources) expect(['in-network', 'popular/trending']).toContain(s);
    await engine.train({ save: false, secondary: false });
    const data = engine.dataset!;
    const eve = data.users.index('eve');
    expect(data.interactions.indptr[eve + 1]! - data.interactions.indptr[eve]!).toBe(0);
    await engine.close();
  });
});

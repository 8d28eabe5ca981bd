/**
 * The feed's use of a shared page store (here a Map standing in for Redis, so this runs everywhere): a list one
 * feed ranked is adopted by another, cursor included; a list ranked before an invalidation this feed has seen, or
 * past its reuse time, is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createFeed, type Feed } from '../../src/feed/create-feed.js';
import type { SharedFirstPages, SharedList } from '../../src/feed/shared-pages.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false, validate: false }, feed: { materializeUsers: 0 }, impressions: { enabled: false } } });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
});

afterAll(() => engine.close());

function mapStore(): SharedFirstPages & { lists: Map<string, SharedList> } {
  const lists = new Map<string, SharedList>();
  return {
    lists,
    get: (u, n) => Promise.resolve(lists.get(`${u}:${n}`)),
    put: (u, n, list) => void lists.set(`${u}:${n}`, list),
  };
}

function feedOver(shared: SharedFirstPages): Feed {
  const { store, dataset, models, config, plan } = engine;
  return createFeed({ store, dataset: dataset!, models: Object.fromEntries(models), config, sources: plan.sources, shared });
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('shared first pages', () => {
  it("another feed's list is adopted, and its cursor pages through it", async () => {
    const shared = mapStore();
    const [x, y] = [feedOver(shared), feedOver(shared)];
    const first = await x.page('hal', { pageSize: 3 });
    await tick();
    const there = await y.page('hal', { pageSize: 3 });
    expect(there.nextCursor).toBe(first.nextCursor);
    expect(there.items.map((i) => i.postId)).toEqual(first.items.map((i) => i.postId));
    // A third feed asked for the second page only: the cursor's list comes from the shared store too.
    const z = feedOver(shared);
    expect((await z.page('hal', { cursor: first.nextCursor! })).items.map((i) => i.postId)).toEqual((await x.page('hal', { cursor: first.nextCursor! })).items.map((i) => i.postId));
  });

  it('a list ranked before an invalidation seen here is not adopted, nor one past its reuse time', async () => {
    const shared = mapStore();
    const [x, y] = [feedOver(shared), feedOver(shared)];
    const first = await x.page('gus', { pageSize: 3 });
    await tick();
    // The invalidation reached y, but x's copy is still in the store (written after the delete, say).
    y.invalidate('gus');
    await tick();
    expect((await y.page('gus', { pageSize: 3 })).nextCursor).not.toBe(first.nextCursor);

    const late = await x.page('eve', { pageSize: 3 });
    const list = shared.lists.get('eve:3')!;
    shared.lists.set('eve:3', { ...list, reuseUntil: Date.now() - 1 });
    await tick();
    expect((await feedOver(shared).page('eve', { pageSize: 3 })).nextCursor).not.toBe(late.nextCursor);
  });
});

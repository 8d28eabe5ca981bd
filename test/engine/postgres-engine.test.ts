/**
 * The whole engine on PostgreSQL (store.url=postgres://…?schema=…): ingest a small network with two planted
 * interest groups, train, serve feeds. Skipped without RESONATE_TEST_PG_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { freshSchema, TEST_PG_URL, type TestSchema } from '../../src/storage/postgres/test-fixtures.js';
import { smallNetwork } from '../fixtures/small-network.js';

const feedConfig = { materializeUsers: 0, sources: [{ id: 'in-network', weight: 1 }, { id: 'item-knn/cosine', weight: 1 }, { id: 'popular/trending', weight: 0.5 }] };
const cooks = ['ana', 'ben', 'cal', 'dee'];
const fans = ['eve', 'fay', 'gus', 'hal'];

async function engineOn(url: string): Promise<Engine> {
  const engine = await createEngine({ overrides: { store: { url }, models: { ranker: false, behavior: false, dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-pg-engine-${process.pid}` }, feed: feedConfig } });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false, secondary: false });
  return engine;
}

describe.skipIf(TEST_PG_URL === undefined)('the engine on PostgreSQL', () => {
  let schema: TestSchema;
  let pg: Engine;
  let sqlite: Engine;

  beforeAll(async () => {
    schema = freshSchema();
    pg = await engineOn(schema.url);
    sqlite = await engineOn('sqlite://:memory:');
  });

  afterAll(async () => {
    await pg?.close();
    await sqlite?.close();
    await schema?.drop();
  });

  it('trains on what it ingested and serves each group its own posts', async () => {
    expect(pg.store.kind).toBe('postgres');
    expect(await pg.store.counts()).toEqual(await sqlite.store.counts());
    for (const [group, prefix] of [[cooks, 'c'], [fans, 'f']] as const) {
      for (const user of group) {
        const ids = (await pg.feed(user, { pageSize: 5 })).items.map((i) => i.postId);
        expect(ids.length, user).toBe(5);
        // The planted structure: a cook's first two posts are cooking posts, a fan's football posts (popular posts
        // of the other group fill the rest of the page).
        expect(ids.slice(0, 2).every((id) => id.startsWith(prefix)), `${user}: ${ids.join(',')}`).toBe(true);
      }
    }
  });

  it('serves the same first pages as the engine on SQLite given the same data', async () => {
    for (const user of [...cooks, ...fans]) {
      const a = (await pg.feed(user, { pageSize: 6 })).items.map((i) => i.postId);
      const b = (await sqlite.feed(user, { pageSize: 6 })).items.map((i) => i.postId);
      expect(a, user).toEqual(b);
    }
  });

  it('takes live writes through the engine: a new like is stored once, a retry is a duplicate', async () => {
    const like = { id: 'pg-live-1', user: 'eve', type: 'like', post: 'f10', timestamp: Date.parse('2026-01-02T00:00:00Z') };
    expect(await pg.ingest('events', [like, like])).toMatchObject({ events: 1 });
    expect(await pg.ingest('events', [like])).toMatchObject({ events: 0, duplicateEvents: 1 });
    expect((await pg.store.userEvents('eve', { limit: 1 }))[0]?.id).toBe('pg-live-1');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { isResonateError } from '../core/errors.js';
import { openStore } from './open-store.js';
import { POSTGRES_MIGRATIONS } from './postgres/migrations.js';
import { createPostgresStore, type PostgresStore } from './postgres/postgres-store.js';
import { parsePostgresUrl } from './postgres/connection.js';
import { toTsQuery } from './postgres/search.js';
import { freshSchema, TEST_PG_URL, type TestSchema } from './postgres/test-fixtures.js';
import { runStoreContract } from './store-contract.js';
import type { Event } from '../data/schemas.js';
import type { Store } from './store.js';

/** Schemas of stores still open; each is dropped when its store closes (and any left over at the end). */
const schemas = new Set<TestSchema>();
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

/** A store in a fresh schema of its own, whose close() also drops the schema. */
async function openFresh(): Promise<Store> {
  const s = freshSchema();
  schemas.add(s);
  const store = await openStore(s.url);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await s.drop();
    schemas.delete(s);
  };
  return store;
}

if (TEST_PG_URL === undefined) {
  describe.skip('Store contract: postgres (set RESONATE_TEST_PG_URL to run)', () => {
    it('runs against a PostgreSQL server', () => undefined);
  });
} else {
  runStoreContract('postgres (a fresh schema per test)', openFresh);
}

describe('postgres URL', () => {
  it('takes the schema and pool size out of the URL and leaves the rest to the driver', () => {
    expect(parsePostgresUrl('postgres://u:pw@db:5433/app?schema=feed_1&pool_size=4&sslmode=require')).toEqual({
      connectionString: 'postgres://u:pw@db:5433/app?sslmode=require', schema: 'feed_1', poolSize: 4,
    });
    expect(parsePostgresUrl('postgresql://db/app')).toMatchObject({ schema: 'public', poolSize: 10 });
  });

  it('refuses schema names that would need quoting, and bad pool sizes, without echoing the password', () => {
    for (const url of ['postgres://u:sekret@db/app?schema=Feed', 'postgres://u:sekret@db/app?schema=a;drop', 'postgres://u:sekret@db/app?pool_size=0']) {
      let err: unknown;
      try {
        parsePostgresUrl(url);
      } catch (e) {
        err = e;
      }
      expect(isResonateError(err, 'INVALID_CONFIG'), url).toBe(true);
      expect((err as Error).message).not.toContain('sekret');
    }
  });

  it('an unreachable server is STORE_UNAVAILABLE (503) naming no password', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const err = await openStore('postgres://u:sekret@127.0.0.1:1/app').then(() => undefined, (e: unknown) => e);
    expect(isResonateError(err, 'STORE_UNAVAILABLE'), String(err)).toBe(true);
    expect((err as { statusCode: number }).statusCode).toBe(503);
    expect((err as Error).message).not.toContain('sekret');
  });
});

describe.skipIf(TEST_PG_URL === undefined)('PostgresStore specifics', () => {
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  it('creates the schema it is given, with the same tables as SQLite, at the latest version', async () => {
    const s = freshSchema();
    schemas.add(s);
    const store = (await openStore(s.url)) as PostgresStore;
    expect(store.kind).toBe('postgres');
    expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.at(-1)!.version);
    const tables = await admin(async (c) => (await c.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [s.schema])).rows.map((r) => r.t));
    expect(tables).toEqual(['audit_log', 'campaign_days', 'campaigns', 'deleted_posts', 'erased_users', 'events', 'follows', 'impressions', 'ingest_state', 'posts', 'schema_migrations', 'sponsored_impressions', 'takedowns', 'users']);
    await store.close();
    await s.drop();
    schemas.delete(s);
  });

  it('two processes opening a new schema at once migrate it once', async () => {
    const s = freshSchema();
    schemas.add(s);
    const [a, b, c] = await Promise.all([createPostgresStore({ url: s.url }), createPostgresStore({ url: s.url }), createPostgresStore({ url: s.url })]);
    const rows = await admin(async (cl) => (await cl.query<{ version: number }>(`SELECT version FROM ${s.schema}.schema_migrations`)).rows);
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    await a.write({ users: [{ id: 'u1' }] });
    expect(await b.getUser('u1')).toEqual({ id: 'u1' });
    for (const x of [a, b, c]) await x.close();
    await s.drop();
    schemas.delete(s);
  });

  it('a failed migration leaves the schema as it was (MIGRATION_FAILED); the next open succeeds', async () => {
    const s = freshSchema();
    schemas.add(s);
    await (await createPostgresStore({ url: s.url })).close();
    const broken = [...POSTGRES_MIGRATIONS, { version: 90, sql: 'CREATE TABLE half_done (a integer); CREATE TABLE oops (' }];
    const err = await createPostgresStore({ url: s.url, migrations: broken }).then(() => undefined, (e: unknown) => e);
    expect(isResonateError(err, 'MIGRATION_FAILED'), String(err)).toBe(true);
    expect((err as Error).message).toContain('migration 90');
    const left = await admin(async (c) => (await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half_done'`, [s.schema])).rowCount);
    expect(left).toBe(0);
    const ok = await createPostgresStore({ url: s.url });
    expect(await ok.schemaVersion()).toBe(POSTGRES_MIGRATIONS.at(-1)!.version);
    await ok.close();
    await s.drop();
    schemas.delete(s);
  });

  it('search: tsquery syntax in the query is plain text, never an error', async () => {
    expect(toTsQuery('Bread AND (rye')).toBe("'bread' | 'and' | 'rye'");
    expect(toTsQuery(" '\\ ! <-> :* ")).toBe('');
    const store = await openFresh();
    try {
      await store.write({ users: [{ id: 'a' }], posts: [{ id: 'p', author: 'a', text: "it's bread o'clock, café", created_at: 0, tags: ['x_y'] }] });
      for (const q of ["'", '\\', 'bread:*', '!bread', 'bread <-> rye', 'a & b | c', "it's", 'x_y', '_', 'café', 'bread\u0000']) {
        await expect(store.searchPosts(q), q).resolves.toBeInstanceOf(Array);
      }
      expect((await store.searchPosts('!bread:*')).map((h) => h.post.id)).toEqual(['p']);
      expect((await store.searchPosts('café')).map((h) => h.post.id)).toEqual(['p']);
    } finally {
      await store.close();
    }
  });

  it('concurrent writers on one schema: every event stored once and reported new by exactly one write', async () => {
    const s = freshSchema();
    schemas.add(s);
    const [a, b] = [await openStore(s.url), await openStore(s.url)];
    const users = Array.from({ length: 20 }, (_, i) => ({ id: `u${i}` }));
    await a.write({ users, posts: [{ id: 'p', author: 'u0', text: '', created_at: 0, tags: [] }] });
    const ids = Array.from({ length: 200 }, (_, i) => `e${i}`);
    const event = (id: string): Event => ({ id, user: `u${Number(id.slice(1)) % 20}`, type: 'view', post: 'p', timestamp: Number(id.slice(1)) });
    // Eight overlapping batches, half in reverse order, upserting the same users in opposite orders too.
    const batches = Array.from({ length: 8 }, (_, k) => {
      const slice = ids.slice(k * 20, k * 20 + 60);
      return { users: k % 2 ? [...users].reverse() : users, events: (k % 2 ? [...slice].reverse() : slice).map(event) };
    });
    const results = await Promise.all(batches.map((batch, k) => (k % 2 ? b : a).write(batch)));
    const reported = results.flatMap((r) => r.insertedEventIds);
    const covered = new Set(batches.flatMap((x) => x.events.map((e) => e.id)));
    expect(reported.length).toBe(covered.size);
    expect(new Set(reported)).toEqual(covered);
    expect((await a.counts()).events).toBe(covered.size);
    await a.close();
    await b.close();
    await s.drop();
    schemas.delete(s);
  });

  it('a database that does not exist is INVALID_CONFIG naming store.url', async () => {
    const u = new URL(TEST_PG_URL!);
    u.pathname = '/resonate_no_such_database';
    await expect(openStore(u.toString())).rejects.toMatchObject({ code: 'INVALID_CONFIG', params: { field: 'store.url' } });
  });

  it('keeps data across reopening, and two stores on one schema see each other\'s writes', async () => {
    const s = freshSchema();
    schemas.add(s);
    const a = await openStore(s.url);
    await a.write({ users: [{ id: 'u1', name: 'One' }] });
    await a.close();
    const b = await openStore(s.url);
    const c = await openStore(s.url);
    expect(await b.getUser('u1')).toEqual({ id: 'u1', name: 'One' });
    await c.write({ users: [{ id: 'u2' }], posts: [{ id: 'p', author: 'u1', text: 'hi', created_at: 1, tags: [] }] });
    expect(await b.existingPosts(['p'])).toEqual(new Set(['p']));
    // Another store's post keeps its author here too.
    await expect(b.write({ posts: [{ id: 'p', author: 'u2', text: 'x', created_at: 1, tags: [] }] })).rejects.toMatchObject({ code: 'POST_AUTHOR_IMMUTABLE' });
    await b.close();
    await c.close();
    await s.drop();
    schemas.delete(s);
  });
});

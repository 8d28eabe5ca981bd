import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isResonateError, type ResonateError } from '../core/errors.js';
import type { WriteBatch } from './store.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { openStore, sqlitePath } from './open-store.js';
import { createSqliteStore, toMatchExpression, type SqliteStore } from './sqlite-store.js';
import { runStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileSeq = 0;
const freshPath = (): string => join(dir, `store-${++fileSeq}.db`);

runStoreContract('sqlite (temp file)', () => createSqliteStore({ path: freshPath() }));
runStoreContract('sqlite (:memory:)', () => openStore('sqlite://:memory:'));

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('SqliteStore specifics', () => {
  it('opens in WAL mode with foreign keys on and the latest schema version', async () => {
    const path = freshPath();
    const store = await createSqliteStore({ path });
    expect(store.schemaVersion()).toBe(SQLITE_MIGRATIONS.at(-1)!.version);
    await store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps data across reopening a file', async () => {
    const path = freshPath();
    const a = await createSqliteStore({ path });
    await a.write({ users: [{ id: 'u1', name: 'One' }] });
    await a.close();
    const b = await openStore(`sqlite://${path}`);
    expect(await b.getUser('u1')).toEqual({ id: 'u1', name: 'One' });
    await b.close();
  });

  it('a failed migration leaves the database at its previous version (MIGRATION_FAILED)', async () => {
    const path = freshPath();
    const broken = [
      ...SQLITE_MIGRATIONS,
      { version: 90, sql: 'CREATE TABLE half_done (a INTEGER); CREATE TABLE oops (' },
    ];
    let err: unknown;
    try {
      await createSqliteStore({ path, migrations: broken });
    } catch (e) {
      err = e;
    }
    expect(isResonateError(err, 'MIGRATION_FAILED')).toBe(true);
    expect((err as Error).message).toContain('migration 90');
    const db = new Database(path);
    expect(db.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(SQLITE_MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
    const ok = await createSqliteStore({ path });
    expect(ok.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
    await ok.close();
  });

  it('a garbage file is STORE_CORRUPT naming the path', async () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256)));
    let err: unknown;
    try {
      await createSqliteStore({ path });
    } catch (e) {
      err = e;
    }
    expect(isResonateError(err, 'STORE_CORRUPT')).toBe(true);
    expect((err as Error).message).toContain(path);
  });

  it('a write from a promise that outlives its transaction is a write of its own', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    let late!: Promise<unknown>;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await store.transaction(async (tx) => {
      await tx.write({ users: [{ id: 'in' }] });
      late = gate.then(() => store.write({ users: [{ id: 'late' }] }));
    });
    // A later transaction rolls back: the late write, queued behind it, must not be part of it.
    await expect(
      store.transaction(async (tx) => {
        release();
        await new Promise((r) => setTimeout(r, 5));
        await tx.write({ users: [{ id: 'doomed' }] });
        throw new Error('second transaction fails');
      }),
    ).rejects.toThrow('second transaction fails');
    await late;
    expect(await store.existingUsers(['in', 'late', 'doomed'])).toEqual(new Set(['in', 'late']));
    await store.close();
  });

  it('a missing directory is FILE_NOT_FOUND', async () => {
    await expect(createSqliteStore({ path: join(dir, 'no/such/dir/x.db') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('a second writer on the same file', () => {
  /** Starts a transaction on `holder` that keeps the file's write lock until the returned release is called. */
  async function holdWriteLock(holder: SqliteStore): Promise<{ release: () => void; done: Promise<void> }> {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const done = holder.transaction(async (tx) => {
      await tx.write({ users: [{ id: 'imported' }] });
      locked();
      await gate;
    });
    await holding;
    return { release, done };
  }

  const batch: WriteBatch = {
    users: [{ id: 'u1' }],
    posts: [{ id: 'p1', author: 'u1', text: 'hello', created_at: 0, tags: [] }],
    events: [{ id: 'e1', user: 'u1', type: 'like', post: 'p1', timestamp: 1 }],
  };

  it('fails fast with STORE_BUSY (503, a retry hint) while another connection holds the lock, writing nothing', async () => {
    const path = freshPath();
    const importer = await createSqliteStore({ path });
    const server = await createSqliteStore({ path });
    const lock = await holdWriteLock(importer);
    const t0 = Date.now();
    const err = await server.write(batch).then(() => undefined, (e: unknown) => e);
    // A bound far above the 100 ms busy wait and far below the old 5 s stall, not a speed figure.
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(isResonateError(err, 'STORE_BUSY'), String(err)).toBe(true);
    expect((err as ResonateError).statusCode).toBe(503);
    expect((err as ResonateError).retryAfterSeconds).toBeGreaterThan(0);
    // A transaction of the server's is refused the same way, before its function runs.
    let ran = false;
    await expect(server.transaction(async (tx) => ((ran = true), tx.write(batch)))).rejects.toMatchObject({ code: 'STORE_BUSY' });
    expect(ran).toBe(false);
    lock.release();
    await lock.done;
    expect(await server.counts()).toEqual({ users: 1, posts: 0, follows: 0, events: 0 });
    expect(await server.existingUsers(['u1', 'imported'])).toEqual(new Set(['imported']));
    // Refused ids were not remembered as written: the retry needs (and passes) its reference checks.
    expect(await server.write(batch)).toMatchObject({ users: 1, posts: 1, events: 1, insertedEventIds: ['e1'] });
    expect(await server.counts()).toEqual({ users: 2, posts: 1, follows: 0, events: 1 });
    await importer.close();
    await server.close();
  });

  it('a busy timeout can be set per store; a file store reports multiProcess, :memory: does not', async () => {
    const path = freshPath();
    const a = await createSqliteStore({ path, busyTimeoutMs: 0 });
    const b = await createSqliteStore({ path, busyTimeoutMs: 0 });
    expect(a.multiProcess).toBe(true);
    const lock = await holdWriteLock(a);
    await expect(b.write(batch)).rejects.toMatchObject({ code: 'STORE_BUSY' });
    lock.release();
    await lock.done;
    await a.close();
    await b.close();
    const m = await createSqliteStore({ path: ':memory:' });
    expect(m.multiProcess).toBe(false);
    await m.close();
  });
});

describe('openStore', () => {
  it('parses sqlite URLs and plain .db paths', async () => {
    expect(sqlitePath('sqlite://./data/r.db')).toBe('./data/r.db');
    expect(sqlitePath('sqlite:///var/lib/r.db')).toBe('/var/lib/r.db');
    expect(sqlitePath('sqlite://:memory:')).toBe(':memory:');
    const path = freshPath();
    const s = await openStore(path);
    expect(s.kind).toBe('sqlite');
    await s.close();
  });

  it('rejects other schemes with STORE_UNSUPPORTED, naming no password', async () => {
    for (const url of ['mysql://u:sekret@localhost/db', 'data.txt', 'sqlite://', 'constructor://x', 'postgres://u:sekret@host:notaport/db']) {
      const e = await openStore(url).then(() => undefined, (x: unknown) => x);
      expect(isResonateError(e, 'STORE_UNSUPPORTED'), url).toBe(true);
      expect((e as Error).message).not.toContain('sekret');
    }
  });
});

describe('toMatchExpression', () => {
  it('quotes each term and drops FTS operators and punctuation', () => {
    expect(toMatchExpression('Bread AND (rye')).toBe('"bread" OR "and" OR "rye"');
    expect(toMatchExpression('"x" NEAR/2 y*')).toBe('"x" OR "near" OR "2" OR "y"');
    expect(toMatchExpression('  ?! ')).toBe('');
    expect(toMatchExpression('café café')).toBe('"café"');
  });

  it('never lets a syntax error reach the caller', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ('hello world')");
    for (const q of ['"', 'AND', '(', 'x:y', '^', 'a OR', "it's"]) {
      const m = toMatchExpression(q);
      if (m !== '') expect(caught(() => db.prepare('SELECT * FROM t WHERE t MATCH ?').all(m)), q).toBeUndefined();
    }
    db.close();
  });
});

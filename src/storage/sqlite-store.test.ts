import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { openStore, sqlitePath } from './open-store.js';
import { createSqliteStore, toMatchExpression } from './sqlite-store.js';
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
    expect(db.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
    const ok = await createSqliteStore({ path });
    expect(ok.schemaVersion()).toBe(1);
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

  it('rejects other schemes with STORE_UNSUPPORTED (postgres until its backend is registered)', async () => {
    for (const url of ['mysql://localhost/db', 'postgres://localhost/db', 'data.txt', 'sqlite://']) {
      const e = await openStore(url).then(() => undefined, (x: unknown) => x);
      expect(isResonateError(e, 'STORE_UNSUPPORTED'), url).toBe(true);
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

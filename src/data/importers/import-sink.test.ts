import { describe, expect, it } from 'vitest';
import { isResonateError } from '../../core/errors.js';
import { importData, IMPORT_FORMATS, runImport } from './index.js';
import type { BatchWriter, ImportTarget, RowBatch } from './types.js';
import { fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Store } from '../../storage/store.js';
import { createSqliteStore, type SqliteStore } from '../../storage/sqlite-store.js';
import type { ImportSink } from './import-sink.js';

/** Compile-time check: every Store is an ImportTarget. */
export const storeIsTarget = (s: Store): ImportTarget => s;

/** Opens a transaction on `store` and keeps it (and the write lock) until `release` is called. */
async function holdWriteLock(store: Store): Promise<{ held: Promise<void>; release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const holding = new Promise<void>((r) => (locked = r));
  const held = store.transaction(async () => {
    locked();
    await gate;
  });
  await holding;
  return { held, release };
}

describe('import transaction and reporting', () => {
  it('a source that throws midway leaves the store untouched, even after batches were written', async () => {
    const store = await memoryStore();
    let writes = 0;
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 7; i++) yield i;
      throw new Error('disk unplugged');
    }
    const err = await runImport(store, { batchSize: 3 }, 0, async (sink) => {
      await sink.ensureUser('u');
      await sink.post({ line: 0 }, { id: 'p', author: 'u', created_at: 0 });
      for await (const i of source()) {
        await sink.event({ line: i + 1 }, { id: `e${i}`, user: 'u', type: 'like', post: 'p', timestamp: i });
        writes = (await store.counts()).events;
      }
    }).catch((e: unknown) => e);
    expect(isResonateError(err, 'IMPORT_ABORTED')).toBe(true);
    expect((err as Error).message).toContain('disk unplugged');
    expect(writes).toBeGreaterThan(0); // batches did reach the (uncommitted) transaction
    expect(await store.counts()).toEqual({ users: 0, posts: 0, follows: 0, events: 0 });
    await store.close();
  });

  it('an aborted signal stops the import and writes nothing', async () => {
    const store = await memoryStore();
    const ac = new AbortController();
    ac.abort();
    await expect(importData(store, 'interactions', fixture('plays.tsv'), { signal: ac.signal })).rejects.toMatchObject({ code: 'IMPORT_ABORTED' });
    expect((await store.counts()).events).toBe(0);
    await store.close();
  });

  it('writes in batches of batchSize inside one transaction', async () => {
    const store = await memoryStore();
    const sizes: number[] = [];
    let transactions = 0;
    const target: ImportTarget = {
      existingUsers: (ids) => store.existingUsers(ids),
      existingPosts: (ids) => store.existingPosts(ids),
      transaction: (fn) => {
        transactions++;
        return store.transaction((tx) =>
          fn({
            write: (b: RowBatch) => {
              sizes.push((b.users?.length ?? 0) + (b.posts?.length ?? 0) + (b.follows?.length ?? 0) + (b.events?.length ?? 0));
              return tx.write(b);
            },
          } satisfies BatchWriter),
        );
      },
    };
    const r = await importData(target, 'jsonl', fixture('social.jsonl'), { batchSize: 2 });
    expect(transactions).toBe(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(r.accepted.users + r.accepted.posts + r.accepted.follows + r.accepted.events);
    expect(Math.max(...sizes)).toBe(2);
    await store.close();
  });

  it('reports progress in bytes up to the file size', async () => {
    const store = await memoryStore();
    const calls: [number, number][] = [];
    await importData(store, 'interactions', fixture('ratings.csv'), { progress: (d, t) => calls.push([d, t]) });
    const size = statSync(fixture('ratings.csv')).size;
    expect(calls.at(-1)).toEqual([size, size]);
    await store.close();
  });

  it('unknown formats and missing files are named', async () => {
    const store = await memoryStore();
    await expect(importData(store, 'parquet', 'x')).rejects.toMatchObject({ code: 'UNKNOWN_OPTION', message: expect.stringContaining(IMPORT_FORMATS.join(', ')) });
    await expect(importData(store, 'interactions', fixture('missing.csv'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('missing.csv') });
    await expect(importData(store, 'tweets-csv', fixture('missing.csv'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await store.close();
  });
});

describe('imports beside another writer (a database file a server may be serving)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let seq = 0;
  const fileStore = (): Promise<SqliteStore> => createSqliteStore({ path: join(dir, `s${++seq}.db`) });

  /** Counts the transactions an import opens on `store`. */
  function counting(store: SqliteStore): { target: ImportTarget; transactions: () => number } {
    let n = 0;
    const target: ImportTarget = {
      existingUsers: (ids) => store.existingUsers(ids),
      existingPosts: (ids) => store.existingPosts(ids),
      getPosts: (ids) => store.getPosts(ids),
      multiProcess: store.multiProcess,
      transaction: (fn) => (n++, store.transaction(fn)),
    };
    return { target, transactions: () => n };
  }

  /** A user, a post and `n` events; throws after `failAfter` events when given. */
  function body(n: number, failAfter?: number): (sink: ImportSink) => Promise<void> {
    return async (sink) => {
      await sink.ensureUser('u');
      await sink.post({ line: 0 }, { id: 'p', author: 'u', created_at: 0 });
      for (let i = 0; i < n; i++) {
        if (i === failAfter) throw new Error('disk unplugged');
        await sink.event({ line: i + 1 }, { id: `e${i}`, user: 'u', type: 'like', post: 'p', timestamp: i });
      }
    };
  }

  it('commits batch by batch by default; a failure keeps the committed batches (IMPORT_INCOMPLETE) and a re-run finishes', async () => {
    const store = await fileStore();
    const { target, transactions } = counting(store);
    const err = await runImport(target, { batchSize: 3 }, 0, body(10, 7)).catch((e: unknown) => e);
    expect(isResonateError(err, 'IMPORT_INCOMPLETE'), String(err)).toBe(true);
    expect((err as Error).message).toContain('disk unplugged');
    const kept = (err as { params: { committed: number } }).params.committed;
    expect(kept).toBe(9); // three batches of three rows: user + post + e0, e1..e3, e4..e6
    expect(transactions()).toBe(3);
    expect(await store.counts()).toMatchObject({ users: 1, posts: 1, events: 7 });
    const report = await runImport(target, { batchSize: 3 }, 0, body(10));
    expect(report.accepted.events).toBe(10);
    expect(report.duplicates).toBe(7); // e0..e6 were stored by the first run
    expect(await store.counts()).toMatchObject({ users: 1, posts: 1, events: 10 });
    await store.close();
  });

  it('--strict (and atomic) imports into a file are one transaction: a failure keeps nothing', async () => {
    for (const options of [{ strict: true }, { atomic: true }]) {
      const store = await fileStore();
      const { target, transactions } = counting(store);
      const err = await runImport(target, { ...options, batchSize: 3 }, 0, body(10, 7)).catch((e: unknown) => e);
      expect(isResonateError(err, 'IMPORT_ABORTED'), String(err)).toBe(true);
      expect(transactions()).toBe(1);
      expect(await store.counts()).toEqual({ users: 0, posts: 0, follows: 0, events: 0 });
      await store.close();
    }
  });

  it('holds the write lock only while a batch is written: another connection writes between batches', async () => {
    const path = join(dir, 'shared.db');
    const importer = await createSqliteStore({ path });
    const server = await createSqliteStore({ path });
    const serverWrite = async (id: string): Promise<unknown> => server.write({ users: [{ id }] }).then(() => 'ok', (e: unknown) => (e as { code?: string }).code);
    const results: unknown[] = [];
    const during = (sink: ImportSink, atomic: boolean): Promise<void> => body(0)(sink).then(async () => {
      await sink.flush();
      results.push(await serverWrite(atomic ? 'during-atomic' : 'during-chunked'));
    });
    await runImport(importer, { batchSize: 2 }, 0, (sink) => during(sink, false));
    await runImport(importer, { atomic: true, batchSize: 2 }, 0, (sink) => during(sink, true));
    expect(results).toEqual(['ok', 'STORE_BUSY']);
    await importer.close();
    await server.close();
  });

  it('waits (without blocking the event loop) for another writer to let go of the lock', async () => {
    const path = join(dir, 'waits.db');
    const importer = await createSqliteStore({ path });
    const server = await createSqliteStore({ path });
    for (const options of [{}, { strict: true }]) {
      const { held, release } = await holdWriteLock(server);
      const timer = setTimeout(release, 300);
      const report = await runImport(importer, { ...options, batchSize: 3 }, 0, body(5));
      expect(report.accepted.events).toBe(5);
      await held;
      clearTimeout(timer);
    }
    // With no time to wait, the import gives up at once: STORE_BUSY, nothing written.
    const { held, release } = await holdWriteLock(server);
    const before = await importer.counts();
    await expect(runImport(importer, { busyWaitMs: 0 }, 0, async (sink) => sink.ensureUser('late'))).rejects.toMatchObject({ code: 'STORE_BUSY' });
    release();
    await held;
    expect(await importer.counts()).toEqual(before);
    await importer.close();
    await server.close();
  });
});

describe('post authors in imports', () => {
  it('a row giving an existing post another author is rejected; the same author may edit it', async () => {
    const store = await memoryStore();
    await store.write({ users: [{ id: 'a' }, { id: 'b' }], posts: [{ id: 'p', author: 'a', text: 'old', created_at: 0, tags: [] }] });
    const report = await runImport(store, {}, 0, async (sink) => {
      await sink.post({ line: 1 }, { id: 'p', author: 'b', text: 'hijacked', created_at: 0 });
      await sink.post({ line: 2 }, { id: 'p', author: 'a', text: 'edited', created_at: 0 });
      await sink.post({ line: 3 }, { id: 'q', author: 'b', text: 'new', created_at: 0 });
      await sink.post({ line: 4 }, { id: 'q', author: 'a', text: 'taken over', created_at: 0 });
    });
    expect(report.rejected.map((r) => r.line)).toEqual([1, 4]);
    expect(report.rejected[0]!.reason).toContain('belongs to "a"');
    expect(report.accepted.posts).toBe(2);
    expect(await store.getPost('p')).toMatchObject({ author: 'a', text: 'edited' });
    expect(await store.getPost('q')).toMatchObject({ author: 'b', text: 'new' });
    await expect(
      runImport(store, { strict: true }, 0, (sink) => sink.post({ line: 1 }, { id: 'p', author: 'b', created_at: 0 }).then(() => undefined)),
    ).rejects.toMatchObject({ code: 'IMPORT_ABORTED', params: { where: 'line 1' } });
    await store.close();
  });
});

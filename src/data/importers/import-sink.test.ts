import { describe, expect, it } from 'vitest';
import { isResonateError } from '../../core/errors.js';
import { importData, IMPORT_FORMATS, runImport } from './index.js';
import type { BatchWriter, ImportTarget, RowBatch } from './types.js';
import { fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';
import { statSync } from 'node:fs';
import type { Store } from '../../storage/store.js';

/** Compile-time check: every Store is an ImportTarget. */
export const storeIsTarget = (s: Store): ImportTarget => s;

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

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importData } from './index.js';
import { detectDelimiter, looksLikeHeader, normalizeDelimiter, parseTime, splitFields } from './interactions.js';
import { collect, fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('interactions importer', () => {
  it('imports a CSV with a header, skipping and reporting bad rows by line', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'interactions', fixture('ratings.csv'));
    expect(r.accepted).toEqual({ users: 0, posts: 0, follows: 0, events: 4 });
    expect(r.created).toEqual({ users: 4, posts: 3 }); // __catalog__, u1, u2, u4; i1, i2, i4
    expect(r.rejected.map((x) => x.line)).toEqual([6, 7, 8, 9]);
    expect(r.rejectedCount).toBe(4);
    expect(r.rejected[0]!.reason).toMatch(/^value: expected a number, got "abc"/);
    expect(r.rejected[1]!.reason).toBe('item: missing');
    expect(r.rejected[2]!.reason).toMatch(/UTF-8/);
    expect(r.rejected[3]!.reason).toMatch(/^timestamp:/);
    const events = await collect(store.scanEvents());
    expect(events).toEqual([
      { id: 'ratings.csv:2', user: 'u1', type: 'rating', post: 'i1', value: 5, timestamp: 881250949000 },
      { id: 'ratings.csv:3', user: 'u1', type: 'rating', post: 'i2', value: 3, timestamp: 881250950000 },
      { id: 'ratings.csv:10', user: 'u4', type: 'rating', post: 'i4', value: 1, timestamp: 881250990000 },
      { id: 'ratings.csv:4', user: 'u2', type: 'rating', post: 'i1', value: 4, timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) },
    ]);
    expect(await store.getPost('i1')).toEqual({ id: 'i1', author: '__catalog__', text: '', created_at: 881250949000, tags: [] });
    expect(await store.getUser('u3')).toBeUndefined();
    await store.close();
  });

  it('imports headerless TSV likes with line numbers as time', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'interactions', fixture('plays.tsv'));
    expect(r.accepted.events).toBe(3);
    expect((await collect(store.scanEvents())).map((e) => [e.id, e.user, e.type, e.post, e.timestamp])).toEqual([
      ['plays.tsv:1', 'alice', 'like', 'song-a', 1],
      ['plays.tsv:2', 'bob', 'like', 'song-a', 2],
      ['plays.tsv:4', 'alice', 'like', 'song-b', 4],
    ]);
    await store.close();
  });

  it('detects "::" and reads seconds', async () => {
    const store = await memoryStore();
    await importData(store, 'interactions', fixture('ml1m.dat'));
    expect((await collect(store.scanEvents())).map((e) => [e.user, e.post, e.value, e.timestamp])).toEqual([
      ['1', '10', 5, 978300760000],
      ['2', '10', 4, 978301968000],
      ['1', '20', 3, 978302109000],
    ]);
    await store.close();
  });

  it('reads JSONL rows with named fields', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'interactions', fixture('interactions.jsonl'));
    expect(r.accepted.events).toBe(2);
    expect(r.rejected.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([[3, 'item'], [4, 'malformed JSON']]);
    expect(await collect(store.scanEvents())).toEqual([
      { id: 'interactions.jsonl:2', user: '8', type: 'like', post: 'x', timestamp: 2 },
      { id: 'interactions.jsonl:1', user: '7', type: 'rating', post: 'x', value: 4.5, timestamp: 1_700_000_000_000 },
    ]);
    await store.close();
  });

  it('re-importing the same file only finds duplicates; existing users keep their data', async () => {
    const store = await memoryStore();
    await store.write({ users: [{ id: 'alice', name: 'Alice' }] });
    await importData(store, 'interactions', fixture('plays.tsv'));
    const again = await importData(store, 'interactions', fixture('plays.tsv'));
    expect(again.duplicates).toBe(3);
    expect(again.created).toEqual({ users: 0, posts: 0 });
    expect((await store.counts()).events).toBe(3);
    expect(await store.getUser('alice')).toEqual({ id: 'alice', name: 'Alice' });
    await store.close();
  });

  it('takes a delimiter and header flag from the options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-int-'));
    const path = join(dir, 'x.txt');
    writeFileSync(path, 'a;b\nc;d\n');
    const store = await memoryStore();
    const r = await importData(store, 'interactions', path, { delimiter: ';', header: true });
    expect(r.accepted.events).toBe(1);
    expect((await collect(store.scanEvents()))[0]).toMatchObject({ user: 'c', post: 'd' });
    await store.close();
  });

  it('strict mode aborts on the first bad row and writes nothing', async () => {
    const store = await memoryStore();
    await expect(importData(store, 'interactions', fixture('ratings.csv'), { strict: true })).rejects.toMatchObject({
      code: 'IMPORT_ABORTED',
      params: { where: 'line 6' },
    });
    expect(await store.counts()).toEqual({ users: 0, posts: 0, follows: 0, events: 0 });
    await store.close();
  });

  it('strict mode names the line of invalid UTF-8 (INVALID_UTF8); whitespace-separated columns are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-int-'));
    const path = join(dir, 'w.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('a  b 4\n c x   1\n'), Buffer.from([0x64, 0x20, 0xe9, 0x20, 0x33, 0x0a])]));
    const store = await memoryStore();
    await expect(importData(store, 'interactions', path, { strict: true })).rejects.toMatchObject({ code: 'INVALID_UTF8', params: { where: 'line 3' } });
    expect((await store.counts()).events).toBe(0);
    const r = await importData(store, 'interactions', path);
    expect(r.accepted.events).toBe(2);
    expect((await collect(store.scanEvents())).map((e) => [e.user, e.post, e.value])).toEqual([['a', 'b', 4], ['c', 'x', 1]]);
    await store.close();
  });

  it('detection helpers', () => {
    expect(detectDelimiter('1\t2\t3')).toBe('\t');
    expect(detectDelimiter('1::2::3')).toBe('::');
    expect(detectDelimiter('1|2')).toBe('|');
    expect(detectDelimiter('1,2')).toBe(',');
    expect(detectDelimiter('1  2 3')).toBe(' ');
    expect(splitFields('  1  2 3 ', ' ')).toEqual(['1', '2', '3']);
    expect(normalizeDelimiter('tab')).toBe('\t');
    expect(normalizeDelimiter('\\t')).toBe('\t');
    expect(normalizeDelimiter('::')).toBe('::');
    expect(looksLikeHeader(['userId', 'movieId', 'rating', 'timestamp'])).toBe(true);
    expect(looksLikeHeader(['who', 'what', 'stars'])).toBe(true);
    expect(looksLikeHeader(['u1', 'i1', '5', '881250949'])).toBe(false);
    expect(looksLikeHeader(['alice', 'song'])).toBe(false);
    expect(parseTime('881250949')).toBe(881250949000);
    expect(parseTime(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(parseTime('2026-01-02T00:00:00Z')).toBe(Date.UTC(2026, 0, 2));
    expect(parseTime('soon')).toBeUndefined();
  });
});

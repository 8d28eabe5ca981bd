import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importData, importSummary } from './index.js';
import { collect, fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('jsonl importer', () => {
  it('imports typed rows and reports each bad line with its reason', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'jsonl', fixture('social.jsonl'));
    expect(r.accepted).toEqual({ users: 3, posts: 1, follows: 1, events: 1 });
    expect(r.created).toEqual({ users: 0, posts: 0 });
    expect(r.duplicates).toBe(1); // line 15 repeats e1
    expect(r.rejectedCount).toBe(8);
    expect(r.rows).toEqual({
      users: { created: 3, updated: 0, merged: 0, rejected: 1 },
      posts: { created: 1, updated: 0, merged: 0, rejected: 1 },
      follows: { created: 1, updated: 0, merged: 0, rejected: 0 },
      events: { created: 1, updated: 0, merged: 1, rejected: 3 },
    });
    // Two lines were no row of a known kind: "comment", and the unfinished JSON; invalid UTF-8 is a third.
    expect(importSummary(r)).toContain('unreadable lines: 3 rejected');
    const reasons = new Map(r.rejected.map((x) => [x.line, x.reason]));
    expect([...reasons.keys()]).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(reasons.get(7)).toMatch(/^type: /);
    expect(reasons.get(8)).toMatch(/^created_at: expected an ISO-8601 date/);
    expect(reasons.get(9)).toMatch(/^id: /);
    expect(reasons.get(10)).toMatch(/^value: /);
    expect(reasons.get(11)).toMatch(/^user: unknown user "zed"/);
    expect(reasons.get(12)).toBe('kind: expected one of user, post, follow, event, got "comment"');
    expect(reasons.get(13)).toBe('text is not valid UTF-8');
    expect(reasons.get(14)).toMatch(/^malformed JSON/);
    expect(await store.getUser('ann')).toEqual({ id: 'ann', name: 'Ann', features: { locale: 'en' } });
    expect(await store.getPost('p1')).toEqual({ id: 'p1', author: 'ann', text: 'hello #world', created_at: Date.UTC(2026, 0, 1, 10), tags: ['world'] });
    expect(await store.following('ben')).toEqual(['ann']);
    expect(await collect(store.scanEvents())).toEqual([{ id: 'e1', user: 'ben', type: 'like', post: 'p1', timestamp: 1767261600000 }]);
    expect(await store.getUser('cat')).toEqual({ id: 'cat' });
    await store.close();
  });

  it('a retried import adds nothing', async () => {
    const store = await memoryStore();
    await importData(store, 'jsonl', fixture('social.jsonl'));
    const before = await store.counts();
    const again = await importData(store, 'jsonl', fixture('social.jsonl'));
    expect(again.duplicates).toBe(2);
    expect(again.rows).toMatchObject({
      users: { created: 0, updated: 3 }, posts: { created: 0, updated: 1 }, follows: { created: 0, updated: 1 }, events: { created: 0, merged: 2 },
    });
    expect(await store.counts()).toEqual(before);
    await store.close();
  });

  it('an event id already stored for another fact is rejected with its line; the rest of the batch is written', async () => {
    const store = await memoryStore();
    await importData(store, 'jsonl', fixture('social.jsonl'));
    const dir = mkdtempSync(join(tmpdir(), 'resonate-jsonl-'));
    const path = join(dir, 'more.jsonl');
    writeFileSync(path, [
      { kind: 'event', id: 'e1', user: 'cat', type: 'like', post: 'p1', timestamp: 5 },
      { kind: 'event', id: 'e9', user: 'cat', type: 'like', post: 'p1', timestamp: 6 },
    ].map((o) => JSON.stringify(o)).join('\n'));
    const r = await importData(store, 'jsonl', path);
    expect(r.rejected).toEqual([{ line: 1, reason: expect.stringMatching(/^id: event "e1" is already stored with another/) as unknown as string }]);
    expect(r.rows.events).toEqual({ created: 1, updated: 0, merged: 0, rejected: 1 });
    expect((await collect(store.scanEvents())).map((e) => [e.id, e.user])).toEqual([['e9', 'cat'], ['e1', 'ben']]);
    rmSync(dir, { recursive: true });
    await store.close();
  });

  it('strict mode reports invalid UTF-8 as INVALID_UTF8 and writes nothing', async () => {
    const store = await memoryStore();
    // Line 7 (unknown event type) comes first: IMPORT_ABORTED there.
    await expect(importData(store, 'jsonl', fixture('social.jsonl'), { strict: true })).rejects.toMatchObject({ code: 'IMPORT_ABORTED', params: { where: 'line 7' } });
    expect((await store.counts()).users).toBe(0);
    await store.close();
  });
});

import { describe, expect, it } from 'vitest';
import { importData } from './index.js';
import { collect, fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('jsonl importer', () => {
  it('imports typed rows and reports each bad line with its reason', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'jsonl', fixture('social.jsonl'));
    expect(r.accepted).toEqual({ users: 3, posts: 1, follows: 1, events: 1 });
    expect(r.created).toEqual({ users: 0, posts: 0 });
    expect(r.duplicates).toBe(1); // line 15 repeats e1
    expect(r.rejectedCount).toBe(8);
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
    expect(await store.counts()).toEqual(before);
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

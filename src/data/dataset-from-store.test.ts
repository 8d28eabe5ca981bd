import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { csrGet, nnz, rowIndices } from '../math/csr.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { datasetFromStore } from './dataset-from-store.js';
import type { Event } from './schemas.js';

const ev = (id: string, user: string, type: Event['type'], t: number, extra: Partial<Event> = {}): Event => ({ id, user, type, timestamp: t, ...extra });

describe('datasetFromStore', () => {
  it('builds the hand-computed dataset of a small store in one pass', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    await store.write({
      users: [{ id: 'ann' }, { id: 'ben' }, { id: 'cat' }, { id: 'dan' }],
      posts: [
        { id: 'p1', author: 'ann', text: 'first', created_at: 100, tags: ['a'] },
        { id: 'p2', author: 'ben', text: 'second', created_at: 200, tags: [] },
        { id: 'p3', author: 'ann', text: 'third', created_at: 300, tags: ['b', 'c'] },
      ],
      follows: [
        { follower: 'ann', followee: 'ben' },
        { follower: 'cat', followee: 'ann' },
        { follower: 'cat', followee: 'ben' },
      ],
      // Written out of time order on purpose: the store scans them back by time.
      events: [
        ev('e5', 'ben', 'rating', 1050, { post: 'p3', value: 4 }),
        ev('e1', 'cat', 'like', 1010, { post: 'p1' }),
        ev('e2', 'cat', 'share', 1020, { post: 'p1' }),
        ev('e3', 'cat', 'view', 1030, { post: 'p2' }),
        ev('e4', 'cat', 'hide', 1040, { post: 'p3' }),
        ev('e6', 'cat', 'unfollow', 1060, { target_user: 'ben' }),
        ev('e7', 'dan', 'follow', 1070, { target_user: 'ann' }),
        ev('e8', 'cat', 'like', 1080, { post: 'p1' }),
        ev('e9', 'dan', 'dwell', 1090, { post: 'p2', value: 15 }),
      ],
    });
    const reports: [number, number, string | undefined][] = [];
    const d = await datasetFromStore(store, DEFAULT_CONFIG.weights, (done, total, label) => reports.push([done, total, label]));
    const w = DEFAULT_CONFIG.weights;
    const U = (id: string): number => d.users.index(id);
    const I = (id: string): number => d.items.index(id);

    expect(d.users.size).toBe(4);
    expect(d.items.size).toBe(3);
    // cat: like + share + like on p1 (weights summed), a view on p2, and the hide on p3 kept out.
    expect(csrGet(d.interactions, U('cat'), I('p1'))).toBeCloseTo(2 * w.like + w.share);
    expect(csrGet(d.interactions, U('cat'), I('p2'))).toBeCloseTo(w.view);
    expect(csrGet(d.interactions, U('cat'), I('p3'))).toBe(0);
    expect(csrGet(d.negatives, U('cat'), I('p3'))).toBe(1);
    expect(nnz(d.negatives)).toBe(1);
    // ben: rating 4 × w.rating; dan: dwell 15 s = half of the 30 s full signal.
    expect(csrGet(d.interactions, U('ben'), I('p3'))).toBeCloseTo(4 * w.rating);
    expect(csrGet(d.interactions, U('dan'), I('p2'))).toBeCloseTo(0.5 * w.dwell);
    expect(nnz(d.interactions)).toBe(4);
    // Latest time of cat × p1 is the second like.
    const row = rowIndices(d.interactions, U('cat'));
    const k = d.interactions.indptr[U('cat')]! + Array.from(row).indexOf(I('p1'));
    expect(d.interactionTimes[k]).toBe(1080);
    // The log is the 6 positive events in time order.
    expect(Array.from(d.log.time)).toEqual([1010, 1020, 1030, 1050, 1080, 1090]);
    // Follow graph: table edges, minus cat's unfollow of ben, plus dan's follow event.
    const following = (id: string): string[] => Array.from(rowIndices(d.follows, U(id)), (j) => d.users.id(j)).sort();
    expect(following('ann')).toEqual(['ben']);
    expect(following('cat')).toEqual(['ann']);
    expect(following('dan')).toEqual(['ann']);
    expect(following('ben')).toEqual([]);
    // Items: texts, tags, authors, creation times.
    expect(d.itemTexts[I('p3')]).toBe('third');
    expect(d.itemTags[I('p3')]).toEqual(['b', 'c']);
    expect(d.users.id(d.itemAuthors[I('p2')]!)).toBe('ben');
    expect(d.itemCreatedAt[I('p1')]).toBe(100);
    expect(d.now).toBe(1090);
    expect(reports.at(-1)).toEqual([4 + 3 + 3 + 9, 19, 'done']);
    await store.close();
  });

  it('respects custom weights', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    await store.write({
      users: [{ id: 'u' }],
      posts: [{ id: 'p', author: 'u', text: '', created_at: 0, tags: [] }],
      events: [ev('a', 'u', 'like', 1, { post: 'p' }), ev('b', 'u', 'view', 2, { post: 'p' })],
    });
    const d = await datasetFromStore(store, { ...DEFAULT_CONFIG.weights, like: 3, view: 0 });
    expect(csrGet(d.interactions, 0, 0)).toBe(3);
    expect(d.log.time.length).toBe(1);
    await store.close();
  });

  it('keeps "now" at the normal events when one event and one post are stamped in the year 2100', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    const t0 = Date.UTC(2024, 4, 1);
    const hour = 3_600_000;
    const far = Date.UTC(2100, 0, 1);
    await store.write({
      users: [{ id: 'u' }, { id: 'v' }],
      posts: [{ id: 'p', author: 'u', text: '', created_at: t0, tags: [] }, { id: 'q', author: 'v', text: '', created_at: far, tags: [] }],
      events: [...Array.from({ length: 300 }, (_, i) => ev(`e${i}`, i % 2 ? 'u' : 'v', 'like', t0 + i * hour, { post: 'p' })), ev('x', 'v', 'like', far, { post: 'p' })],
    });
    const d = await datasetFromStore(store);
    expect(d.now).toBe(t0 + 299 * hour);
    expect(d.log.time.at(-1)).toBe(far); // the event itself is kept
    await store.close();
  });
});

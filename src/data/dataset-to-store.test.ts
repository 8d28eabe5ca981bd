import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, EVENT_TYPES } from '../core/config.js';
import { csrGet, nnz } from '../math/csr.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { buildDataset, datasetFromInteractions } from './dataset-builder.js';
import type { Dataset } from './dataset.js';
import { datasetFromStore } from './dataset-from-store.js';
import { typed, writeDatasetToStore } from './dataset-to-store.js';
import { CATALOG_AUTHOR } from './importers/types.js';
import type { Event } from './schemas.js';

const ev = (id: string, user: string, type: Event['type'], post: string, t: number, value?: number): Event =>
  ({ id, user, type, post, timestamp: t, ...(value === undefined ? {} : { value }) });

/** Social posts and a catalogue item; likes, shares, views, ratings, dwell, repeated events on one pair. */
function fixture(): Dataset {
  return buildDataset({
    users: [{ id: 'ann' }, { id: 'ben' }, { id: 'cat' }, { id: CATALOG_AUTHOR }],
    posts: [
      { id: 'p1', author: 'ann', text: 'hello #x', created_at: 100, tags: ['x'] },
      { id: 'p2', author: 'ben', text: '', created_at: 200, tags: [] },
      { id: 'm1', author: CATALOG_AUTHOR, text: 'Toy Story (1995)', created_at: 0, tags: ['Animation'] },
    ],
    follows: [{ follower: 'cat', followee: 'ann' }],
    events: [
      ev('a', 'cat', 'like', 'p1', 1000),
      ev('b', 'cat', 'share', 'p1', 1100),
      ev('c', 'cat', 'view', 'p2', 1200),
      ev('d', 'ben', 'rating', 'm1', 1300, 4),
      ev('e', 'ann', 'dwell', 'p2', 1400, 12),
      ev('f', 'ann', 'rating', 'm1', 1500, 2),
      ev('g', 'ben', 'comment', 'p1', 1600),
    ],
  });
}

/** Every (user id, item id) → weight of a dataset's matrix. */
function weightsById(d: Dataset): Map<string, number> {
  const out = new Map<string, number>();
  const m = d.interactions;
  for (let u = 0; u < m.rows; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) out.set(`${d.users.id(u)}|${d.items.id(m.indices[p]!)}`, m.data[p]!);
  }
  return out;
}

/** A split-like training part: the pairs of `keep` users, one summed `like` entry per pair (as pairs.ts builds it). */
function trainPart(d: Dataset, keep: (user: string) => boolean): Dataset {
  const m = d.interactions;
  const user: number[] = [], item: number[] = [], weight: number[] = [], time: number[] = [];
  for (let u = 0; u < m.rows; u++) {
    if (!keep(d.users.id(u))) continue;
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      user.push(u); item.push(m.indices[p]!); weight.push(m.data[p]!); time.push(d.interactionTimes[p]!);
    }
  }
  return datasetFromInteractions({ users: d.users, items: d.items, user, item, weight, time, base: d });
}

async function roundTrip(d: Dataset, history?: Dataset): Promise<{ back: Dataset; types: string[] }> {
  const store = await createSqliteStore({ path: ':memory:' });
  try {
    await writeDatasetToStore(d, store, { history, batchSize: 2 });
    const back = await datasetFromStore(store, DEFAULT_CONFIG.weights);
    const types: string[] = [];
    for await (const e of store.scanEvents()) types.push(e.type);
    return { back, types };
  } finally {
    await store.close();
  }
}

describe('writeDatasetToStore', () => {
  it('rebuilds the same interaction matrix, posts and follows from a full dataset', async () => {
    const d = fixture();
    const { back, types } = await roundTrip(d);
    expect(weightsById(back)).toEqual(weightsById(d));
    expect(types).toEqual(['like', 'share', 'view', 'rating', 'dwell', 'rating', 'comment']);
    const m1 = back.items.index('m1');
    expect(back.users.id(back.itemAuthors[m1]!)).toBe(CATALOG_AUTHOR);
    expect(back.itemTexts[back.items.index('p1')]).toBe('hello #x');
    expect(back.itemTags[m1]).toEqual(['Animation']);
    expect(back.itemCreatedAt[m1]).toBe(0);
    expect(csrGet(back.follows, back.users.index('cat'), back.users.index('ann'))).toBe(1);
    expect(back.now).toBe(d.now);
  });

  it('rebuilds a split training part (summed weights) exactly, without and with the original log', async () => {
    const d = fixture();
    const train = trainPart(d, (u) => u !== 'ann');
    const plain = await roundTrip(train);
    expect(weightsById(plain.back)).toEqual(weightsById(train));
    // A split log says `like` for every pair with the pair's summed weight (cat's like + share on p1: 3, a view:
    // 0.2): only a rating carries such weights.
    expect(plain.types).toEqual(['rating', 'rating', 'rating', 'rating']);
    const withHistory = await roundTrip(train, d);
    expect(weightsById(withHistory.back)).toEqual(weightsById(train));
    expect(nnz(withHistory.back.interactions)).toBe(nnz(train.interactions));
    // The original events of the training pairs only (ann's dwell and rating are not in this part).
    expect(withHistory.types).toEqual(['like', 'share', 'view', 'rating', 'comment']);
  });

  it('gives unknown creation times the first interaction, and catalogue authors to items without one', async () => {
    const base = fixture();
    const d: Dataset = { ...base, itemCreatedAt: Float64Array.from(base.itemCreatedAt, () => NaN), itemAuthors: new Int32Array(base.items.size).fill(-1) };
    const { back } = await roundTrip(d);
    expect(back.itemCreatedAt[back.items.index('p1')]).toBe(1000);
    expect(back.itemCreatedAt[back.items.index('m1')]).toBe(1300);
    for (let i = 0; i < back.items.size; i++) expect(back.users.id(back.itemAuthors[i]!)).toBe(CATALOG_AUTHOR);
  });

  it('leaves out items created after the snapshot nobody interacted with, when asked', async () => {
    const base = fixture();
    const late = base.items.index('p2');
    const d: Dataset = { ...base, itemCreatedAt: Float64Array.from(base.itemCreatedAt, (t, i) => (i === late ? base.now + 1 : t)) };
    // ann's dwell and cat's view are on p2: with them it stays; in a part without them it is left out.
    const kept = await roundTrip(d);
    expect(kept.back.items.has('p2')).toBe(true);
    const part = trainPart(d, (u) => u === 'ben');
    const store = await createSqliteStore({ path: ':memory:' });
    try {
      const report = await writeDatasetToStore(part, store, { onlyExistingAtNow: true });
      const back = await datasetFromStore(store);
      expect(report.posts).toBe(2);
      expect(back.items.has('p2')).toBe(false);
      expect(weightsById(back)).toEqual(weightsById(part));
      expect(back.now).toBe(part.now);
    } finally {
      await store.close();
    }
  });

  it('picks the event type whose weight is the entry weight', () => {
    const w = DEFAULT_CONFIG.weights;
    const T = (t: (typeof EVENT_TYPES)[number]): number => EVENT_TYPES.indexOf(t);
    expect(typed(T('like'), 1, w)).toEqual({ type: 'like' });
    expect(typed(T('like'), 2.5, w)).toEqual({ type: 'rating', value: 2.5 });
    expect(typed(T('view'), 0.2, w)).toEqual({ type: 'view' });
    expect(typed(T('rating'), 4, { ...w, rating: 2 })).toEqual({ type: 'rating', value: 2 });
    expect(typed(T('dwell'), 0.25, w)).toEqual({ type: 'dwell', value: 15 });
  });
});

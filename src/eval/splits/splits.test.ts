import { describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import { csrGet, nnz, rowIndices, type Csr } from '../../math/csr.js';
import { leaveLastOutSplit } from './leave-last-out.js';
import { makeSplit, validationSplit } from './make-split.js';
import { stratifiedSplit } from './stratified-split.js';
import { temporalSplit } from './temporal-split.js';

/** User u has sizes[u] items: u·10, u·10+1, …; item j of user u has time u·100 + j. */
function fixture(sizes: number[], nItems = 100): Dataset {
  const users = IdMap.from(sizes.map((_, u) => `u${u}`));
  const items = IdMap.from(Array.from({ length: nItems }, (_, i) => `i${i}`));
  const user: number[] = [], item: number[] = [], time: number[] = [], weight: number[] = [];
  sizes.forEach((n, u) => {
    for (let j = 0; j < n; j++) { user.push(u); item.push((u * 10 + j) % nItems); time.push(u * 100 + j); weight.push(1 + j); }
  });
  return datasetFromInteractions({ users, items, user, item, time, weight });
}

function entries(m: Csr): string[] {
  const out: string[] = [];
  for (let u = 0; u < m.rows; u++) for (const i of rowIndices(m, u)) out.push(`${u}:${i}`);
  return out.sort();
}

function expectPartition(all: Csr, a: Csr, b: Csr): void {
  const ea = entries(a), eb = entries(b);
  expect(new Set([...ea, ...eb]).size).toBe(ea.length + eb.length);
  expect([...ea, ...eb].sort()).toEqual(entries(all));
}

describe('msr stratified split', () => {
  const data = fixture([1, 2, 3, 4, 5, 8, 10]);

  it('keeps ⌊0.75·n⌋ of each user in train (rank/size ≤ 0.75), the rest in test', () => {
    const s = stratifiedSplit(data);
    const train = [0, 1, 2, 3, 4, 5, 6].map((u) => rowIndices(s.train.interactions, u).length);
    const test = [0, 1, 2, 3, 4, 5, 6].map((u) => rowIndices(s.test, u).length);
    expect(train).toEqual([0, 1, 2, 3, 3, 6, 7]);
    expect(test).toEqual([1, 1, 1, 1, 2, 2, 3]);
    expectPartition(data.interactions, s.train.interactions, s.test);
    // Relevance is the interaction weight; IdMaps are shared.
    for (let u = 0; u < 7; u++) for (const i of rowIndices(s.test, u)) expect(csrGet(s.test, u, i)).toBe(csrGet(data.interactions, u, i));
    expect(s.train.users).toBe(data.users);
    expect(s.train.items).toBe(data.items);
  });

  it('is deterministic by seed and changes with it', () => {
    expect(entries(stratifiedSplit(data, { seed: 42 }).test)).toEqual(entries(stratifiedSplit(data, { seed: 42 }).test));
    const seeds = [1, 2, 3, 4, 5].map((seed) => entries(stratifiedSplit(data, { seed }).test).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('carves validation from train only, with the same rule', () => {
    const s = stratifiedSplit(data);
    expectPartition(s.train.interactions, s.validation!.train.interactions, s.validation!.test);
    expect(rowIndices(s.validation!.train.interactions, 5).length).toBe(4); // ⌊0.75·6⌋
  });

  it('stratifies by item and filters small groups', () => {
    const byItem = stratifiedSplit(fixture([4, 4, 4], 4), { filterBy: 'item' });
    // Every item has 3 users: ⌊0.75·3⌋ = 2 train, 1 test per item.
    const perItem = new Int32Array(4);
    for (const i of byItem.test.indices) perItem[i]!++;
    expect(Array.from(perItem)).toEqual([1, 1, 1, 1]);
    const filtered = stratifiedSplit(data, { minRating: 4 });
    expect(nnz(filtered.train.interactions) + nnz(filtered.test)).toBe(4 + 5 + 8 + 10);
    expect(rowIndices(filtered.test, 0).length).toBe(0);
  });

  it('the msr protocol splits each item 75/25, as the published benchmark calls python_stratified_split', () => {
    // Items 0–3 have 3 users each and users have 4 items: per item ⌊0.75·3⌋ = 2 train, 1 test.
    const d = fixture([4, 4, 4], 4);
    const s = makeSplit(d, 'msr', 42, {}, false);
    expect(entries(s.test)).toEqual(entries(stratifiedSplit(d, { filterBy: 'item', validation: false }).test));
    const perItem = new Int32Array(4);
    for (const i of s.test.indices) perItem[i]!++;
    expect(Array.from(perItem)).toEqual([1, 1, 1, 1]);
    expect(entries(makeSplit(d, 'msr', 42, { msr: { filterBy: 'user' } }, false).test)).toEqual(entries(stratifiedSplit(d, { validation: false }).test));
  });

  it('rejects bad options with coded errors', () => {
    expect(() => stratifiedSplit(data, { ratio: 1 })).toThrow(/ratio/);
    expect(() => makeSplit(data, 'nope' as 'msr')).toThrow(/protocol/);
  });
});

describe('leave-last-out split', () => {
  const data = fixture([2, 3, 5]);

  it('holds out the last item, validates on the second-to-last, skips users with < 3 items', () => {
    const s = leaveLastOutSplit(data);
    expect(Array.from(rowIndices(s.test, 0))).toEqual([]);
    expect(Array.from(rowIndices(s.test, 1))).toEqual([12]);
    expect(Array.from(rowIndices(s.test, 2))).toEqual([24]);
    expect(Array.from(rowIndices(s.validation!.test, 1))).toEqual([11]);
    expect(Array.from(rowIndices(s.validation!.test, 2))).toEqual([23]);
    expect(Array.from(rowIndices(s.validation!.train.interactions, 2))).toEqual([20, 21, 22]);
    // The final training part keeps the validation item, as SASRec.
    expect(Array.from(rowIndices(s.train.interactions, 2))).toEqual([20, 21, 22, 23]);
    expect(Array.from(rowIndices(s.train.interactions, 0))).toEqual([0, 1]);
    expectPartition(data.interactions, s.train.interactions, s.test);
  });

  it('holds out n items', () => {
    const s = leaveLastOutSplit(fixture([5, 4]), { n: 2 });
    expect(Array.from(rowIndices(s.test, 0))).toEqual([3, 4]);
    expect(Array.from(rowIndices(s.test, 1))).toEqual([]);
    expect(Array.from(rowIndices(s.validation!.test, 0))).toEqual([1, 2]);
  });
});

describe('temporal split', () => {
  it('trains on everything up to the time quantile', () => {
    const data = fixture([5, 5]); // times 0..4 and 100..104
    const s = temporalSplit(data, { quantile: 0.8 }); // position ⌈8⌉ − 1 = 7 → time 102
    expect(Array.from(rowIndices(s.train.interactions, 0))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(rowIndices(s.train.interactions, 1))).toEqual([10, 11, 12]);
    expect(Array.from(rowIndices(s.test, 1))).toEqual([13, 14]);
    // Validation: the 0.8 quantile of the 8 training times is position 6 → time 101.
    expect(Array.from(rowIndices(s.validation!.test, 1))).toEqual([12]);
    expect(validationSplit(s.train, 'temporal').test.indices.length).toBe(1);
  });
});

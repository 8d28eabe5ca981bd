import { describe, it, expect } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrFromCoo } from '../../math/csr.js';
import { carveValidation, validationNdcg } from './holdout.js';

// 3 users × 6 items: user 0 has 4 items, user 1 has 1, user 2 has 3.
const m = csrFromCoo(3, 6, [0, 0, 0, 0, 1, 2, 2, 2], [0, 1, 2, 3, 4, 1, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8]);

describe('carveValidation', () => {
  it('moves ⌈fraction·n⌉ (at most n − 1) of each user with ≥ 2 items, keeping weights on the training side', () => {
    const { train, valid } = carveValidation(m, 0.5, createRng(1));
    const count = (c: typeof m, u: number): number => c.indptr[u + 1]! - c.indptr[u]!;
    expect([count(valid, 0), count(valid, 1), count(valid, 2)]).toEqual([2, 0, 2]);
    expect([count(train, 0), count(train, 1), count(train, 2)]).toEqual([2, 1, 1]);
    // Every interaction is on exactly one side; training keeps the original weight.
    for (let u = 0; u < 3; u++) {
      const all = [...m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!)].sort();
      const split = [...train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!), ...valid.indices.subarray(valid.indptr[u]!, valid.indptr[u + 1]!)].sort();
      expect(split).toEqual(all);
    }
    for (let p = 0; p < train.indices.length; p++) {
      const u = train.indptr.findIndex((s, r) => r < 3 && p >= s && p < train.indptr[r + 1]!);
      const q = m.indptr[u]! + [...m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!)].indexOf(train.indices[p]!);
      expect(train.data[p]).toBe(m.data[q]);
    }
  });

  it('is seeded, and fraction 0 holds nothing out', () => {
    expect(carveValidation(m, 0.5, createRng(4)).valid.indices).toEqual(carveValidation(m, 0.5, createRng(4)).valid.indices);
    expect(carveValidation(m, 0, createRng(4)).valid.indices.length).toBe(0);
  });
});

describe('validationNdcg', () => {
  const train = csrFromCoo(2, 4, [0, 1], [0, 1]);
  const valid = csrFromCoo(2, 4, [0, 1], [2, 3]);

  it('is 1 when every held-out item ranks first, skipping items the user trained on', () => {
    // Scores put the trained item first; it must be skipped.
    const score = (u: number, out: Float32Array): void => { out.set(u === 0 ? [9, 0, 5, 1] : [0, 9, 1, 5]); };
    expect(validationNdcg(train, valid, 2, score)).toBeCloseTo(1, 12);
  });

  it('counts a hit only within the top k, discounted by 1/log2(rank + 1)', () => {
    const score = (_u: number, out: Float32Array): void => { out.set([0, 3, 2, 4]); };
    // user 0 (trained 0): ranking 3, 1, 2 → hit (item 2) at rank 3, outside k = 2 → 0; user 1 (trained 1): 3, 2 → hit at rank 1 → 1.
    expect(validationNdcg(train, valid, 2, score)).toBeCloseTo(0.5, 12);
    expect(validationNdcg(train, valid, 3, score)).toBeCloseTo((1 / Math.log2(4) + 1) / 2, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { kFolds } from './k-fold.js';

describe('kFolds', () => {
  it('partitions the rows exactly: each row tests in one fold and trains in the others', () => {
    const n = 103, k = 5;
    const folds = kFolds(n, k, 42);
    expect(folds).toHaveLength(k);
    const tested = new Int32Array(n);
    for (const f of folds) {
      for (const j of f.test) tested[j]!++;
      expect(f.train.length + f.test.length).toBe(n);
      expect(new Set([...f.train, ...f.test]).size).toBe(n);
    }
    expect([...tested].every((c) => c === 1)).toBe(true);
    // 103 = 5·20 + 3: the first three folds hold one row more.
    expect(folds.map((f) => f.test.length)).toEqual([21, 21, 21, 20, 20]);
  });

  it('is random but fixed by its seed', () => {
    expect(kFolds(50, 5, 7)).toEqual(kFolds(50, 5, 7));
    expect(kFolds(50, 5, 7)[0]!.test).not.toEqual(kFolds(50, 5, 8)[0]!.test);
    // Not contiguous blocks of the input order.
    expect(kFolds(50, 5, 7)[0]!.test).not.toEqual(Int32Array.from({ length: 10 }, (_, j) => j));
  });

  it('refuses fewer than 2 folds or fewer rows than folds', () => {
    expect(() => kFolds(10, 1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => kFolds(3, 5, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

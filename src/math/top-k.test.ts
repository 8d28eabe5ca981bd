import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';
import { createRng } from '../core/rng.js';

describe('topK', () => {
  it('returns the k best, best first, ties to the smaller index', () => {
    expect(topK([3, 1, 4, 1, 5, 9, 2, 6], 3)).toEqual([
      { index: 5, score: 9 },
      { index: 7, score: 6 },
      { index: 4, score: 5 },
    ]);
    expect(topK([1, 2, 2, 2], 2).map((s) => s.index)).toEqual([1, 2]);
  });

  it('skips masked and non-finite scores; k beyond n returns all valid', () => {
    expect(topK([1, -Infinity, NaN, 3], 10, (i) => i === 3).map((s) => s.index)).toEqual([0]);
    expect(topK([1, 2], 0)).toEqual([]);
  });

  it('matches a full sort on random input', () => {
    const rng = createRng(2);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.int(500), k = 1 + rng.int(50);
      const s = Float32Array.from({ length: n }, () => Math.round(rng.next() * 100));
      const expected = Array.from(s, (score, index) => ({ index, score }))
        .sort((a, b) => b.score - a.score || a.index - b.index)
        .slice(0, k);
      expect(topK(s, k)).toEqual(expected);
    }
  });
});

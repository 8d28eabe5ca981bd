import { describe, expect, it } from 'vitest';
import { dppRerank, greedyDppOrder, tagCosine } from './dpp.js';

/** log det of a small symmetric matrix by Gaussian elimination (−Infinity when singular). */
function logDet(m: number[][]): number {
  const a = m.map((row) => row.slice());
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const pivot = a[i]![i]!;
    if (pivot <= 1e-12) return -Infinity;
    sum += Math.log(pivot);
    for (let r = i + 1; r < a.length; r++) {
      const f = a[r]![i]! / pivot;
      for (let c = i; c < a.length; c++) a[r]![c]! -= f * a[i]![c]!;
    }
  }
  return sum;
}

/** The greedy MAP order by recomputing log det L_Y for every candidate (the definition the fast version implements). */
function bruteGreedy(q: number[], sim: (i: number, j: number) => number): number[] {
  const kernel = (ids: number[]) => ids.map((i) => ids.map((j) => q[i]! * q[j]! * (i === j ? 1 : sim(i, j))));
  const order: number[] = [];
  const left = new Set(q.map((_, i) => i));
  while (left.size > 0) {
    let best = -1, bestValue = -Infinity;
    for (const i of left) {
      const value = logDet(kernel([...order, i]));
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    if (bestValue === -Infinity) break;
    order.push(best);
    left.delete(best);
  }
  return [...order, ...[...left].sort((x, y) => x - y)];
}

describe('DPP greedy MAP', () => {
  it('tag cosine is |a ∩ b| / sqrt(|a||b|)', () => {
    expect(tagCosine(new Set(['x', 'y']), new Set(['y', 'z', 'w', 'v']))).toBeCloseTo(1 / Math.sqrt(8), 12);
    expect(tagCosine(new Set(), new Set(['x']))).toBe(0);
  });

  it('matches the brute-force log-det greedy on random kernels', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const n = 6;
      const tags = Array.from({ length: n }, () => new Set(['a', 'b', 'c', 'd'].filter(() => rand() < 0.5)));
      const q = Array.from({ length: n }, () => 0.5 + rand());
      const sim = (i: number, j: number) => tagCosine(tags[i]!, tags[j]!);
      expect(greedyDppOrder(q, sim)).toEqual(bruteGreedy(q, sim));
    }
  });

  it('hand case: a near-duplicate of the best post waits behind a different one', () => {
    // q = [1, 0.9, 0.8]; S(0,1) = 0.9, S(0,2) = S(1,2) = 0. First 0 (largest q²); then gain of 1 is
    // 0.81·(1 − 0.81) = 0.1539 and of 2 is 0.64: 2 goes before 1.
    const sim = (i: number, j: number) => (i + j === 1 ? 0.9 : 0);
    expect(greedyDppOrder([1, 0.9, 0.8], sim)).toEqual([0, 2, 1]);
  });

  it('reorders the head of a feed list, θ = 1 is off, scores unchanged', () => {
    const list = () => [
      { postId: 'a', score: 1, tags: ['jazz'] },
      { postId: 'b', score: 0.95, tags: ['jazz'] },
      { postId: 'c', score: 0.9, tags: ['rock'] },
      { postId: 'd', score: 0.1, tags: ['pop'] },
    ];
    const off = list();
    dppRerank(off, 1, 10);
    expect(off.map((i) => i.postId)).toEqual(['a', 'b', 'c', 'd']);
    const diverse = list();
    dppRerank(diverse, 0.5, 10);
    // b duplicates a's tags (S = 1): it can only come after every post with a positive gain.
    expect(diverse.map((i) => i.postId)).toEqual(['a', 'c', 'd', 'b']);
    expect(diverse.find((i) => i.postId === 'b')!.score).toBe(0.95);
  });
});

import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../math/csr.js';
import {
  authorCoverage, tagJaccardSimilarity, catalogCoverage, cooccurrenceCosine, cosineFromVectors, giniIndex, intraListDiversity, itemPopularity, novelty,
  popularityBias,
} from './beyond-accuracy.js';
import { explainedVariance, mae, rmse, rSquared } from './rating-metrics.js';

describe('beyond-accuracy metrics', () => {
  it('coverage counts distinct recommended items', () => {
    expect(catalogCoverage([[0, 1], [1, 2]], 4)).toBe(0.75);
    expect(catalogCoverage([], 4)).toBe(0);
  });

  it('Gini index: 0 for equal exposure, (n−1)/n for one item taking all', () => {
    expect(giniIndex([3, 3, 3, 3])).toBe(0);
    expect(giniIndex([0, 0, 0, 1])).toBeCloseTo(0.75, 12);
    expect(giniIndex([0, 0, 0, 0])).toBe(0);
  });

  it('novelty is mean self-information, popularity bias a ratio of means', () => {
    expect(novelty([[0, 1]], [2, 1, 0], 4)).toBeCloseTo(1.5, 12); // (1 + 2) / 2
    expect(novelty([[2]], [2, 1, 0], 4)).toBeCloseTo(2, 12); // unseen item counts as one user
    expect(popularityBias([[0], [1]], [3, 1, 0, 0])).toBeCloseTo(2, 12);
  });

  it('co-occurrence cosine and ILD', () => {
    // Users: u0 {0,1}, u1 {0,1}, u2 {1,2}.
    const train = csrFromCoo(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 1, 2]);
    const sim = cooccurrenceCosine(train);
    expect(sim(0, 1)).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(sim(1, 0)).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(sim(0, 2)).toBe(0);
    expect(sim(1, 2)).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(intraListDiversity([0, 1, 2], sim)).toBeCloseTo(1 - (2 / Math.sqrt(6) + 1 / Math.sqrt(3)) / 3, 12);
    expect(Number.isNaN(intraListDiversity([0], sim))).toBe(true);
    expect(Array.from(itemPopularity(train))).toEqual([2, 3, 1]);
  });

  it('cosine of given vectors', () => {
    const v = [[1, 0], [0, 1], [1, 1]];
    const sim = cosineFromVectors((i) => v[i]!);
    expect(sim(0, 1)).toBe(0);
    expect(sim(0, 2)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(intraListDiversity([0, 1], sim)).toBe(1);
  });
});

describe('rating metrics', () => {
  it('RMSE, MAE, R² on a hand-computed case', () => {
    const y = [1, 2, 3], p = [1, 2, 4];
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(mae(y, p)).toBeCloseTo(1 / 3, 12);
    expect(rSquared(y, p)).toBeCloseTo(0.5, 12); // 1 − 1/2
    expect(rSquared(y, y)).toBe(1);
    // Residuals [0, 0, −1]: Var = 2/9; Var(y) = 2/3 → 1 − 1/3.
    expect(explainedVariance(y, p)).toBeCloseTo(2 / 3, 12);
    expect(() => rmse([1], [1, 2])).toThrow(/expected 1 predictions/);
  });
});

describe('topic diversity and author coverage', () => {
  it('tag ILD is 1 − mean pairwise tag Jaccard', () => {
    const sim = tagJaccardSimilarity([['x'], ['x', 'y'], ['z'], []]);
    expect(sim(0, 1)).toBe(0.5);
    expect(sim(0, 3)).toBe(0);
    // Pairs (0,1) ½, (0,2) 0, (1,2) 0 → 1 − (½)/3.
    expect(intraListDiversity([0, 1, 2], sim)).toBeCloseTo(1 - 1 / 6, 12);
  });

  it('author coverage is the mean share of distinct authors, unknown authors each their own', () => {
    const authors = [0, 0, 1, -1, -1];
    // [0, 1, 2]: authors {0, 1} of 3 → 2/3; [3, 4, 0]: two unknown + author 0 → 1; [2] skipped.
    expect(authorCoverage([[0, 1, 2], [3, 4, 0], [2]], (i) => authors[i]!)).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(authorCoverage([], (i) => authors[i]!)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../math/csr.js';
import {
  aucOfRanking, averagePrecisionAtK, averagePrecisionRel, f1AtK, hitAtK, ndcgAtK, precisionAtK, recallAtK,
  reciprocalRankAtK,
} from './ranking-metrics.js';
import { evaluateRankings } from './evaluate-rankings.js';

// Recommended [a, b, c, d] = [0, 1, 2, 3]; relevant {b, d, e} = {1, 3, 4}.
const ranked = [0, 1, 2, 3];
const rel = new Set([1, 3, 4]);

describe('ranking metrics on a hand-computed case', () => {
  it('precision, recall, F1', () => {
    expect(precisionAtK(ranked, rel, 4)).toBe(0.5);
    expect(recallAtK(ranked, rel, 4)).toBeCloseTo(2 / 3, 12);
    expect(f1AtK(ranked, rel, 4)).toBeCloseTo(4 / 7, 12); // 2·½·⅔ / (½ + ⅔)
    expect(precisionAtK(ranked, rel, 2)).toBe(0.5);
    expect(recallAtK(ranked, rel, 2)).toBeCloseTo(1 / 3, 12);
  });

  it('precision divides by k even when fewer items are recommended (MSR / Spark)', () => {
    expect(precisionAtK([1], rel, 4)).toBe(0.25);
    expect(precisionAtK([], rel, 4)).toBe(0);
  });

  it('NDCG with binary relevance and log2 discount', () => {
    const expected = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4));
    expect(ndcgAtK(ranked, rel, 4)).toBeCloseTo(expected, 12);
    // The base of the logarithm cancels: MSR's ln discount gives the same number.
    const ln = (1 / Math.log(3) + 1 / Math.log(5)) / (1 / Math.log(2) + 1 / Math.log(3) + 1 / Math.log(4));
    expect(ndcgAtK(ranked, rel, 4)).toBeCloseTo(ln, 12);
    // IDCG is capped at min(|rel|, k) = 2 terms.
    expect(ndcgAtK(ranked, rel, 2)).toBeCloseTo((1 / Math.log2(3)) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([1, 3, 4], rel, 3)).toBeCloseTo(1, 12);
  });

  it('MAP@k (÷ min(|rel|, k)) and MSR map (÷ |rel|)', () => {
    // Hits at ranks 2 and 4: precision sum = 1/2 + 2/4 = 1.
    expect(averagePrecisionAtK(ranked, rel, 4)).toBeCloseTo(1 / 3, 12);
    expect(averagePrecisionRel(ranked, rel, 4)).toBeCloseTo(1 / 3, 12);
    // k = 2: one hit at rank 2 → 1/2; ÷ min(3, 2) = 2 vs ÷ 3.
    expect(averagePrecisionAtK(ranked, rel, 2)).toBeCloseTo(1 / 4, 12);
    expect(averagePrecisionRel(ranked, rel, 2)).toBeCloseTo(1 / 6, 12);
  });

  it('MRR and hit rate', () => {
    expect(reciprocalRankAtK(ranked, rel, 4)).toBe(0.5);
    expect(reciprocalRankAtK(ranked, rel, 1)).toBe(0);
    expect(hitAtK(ranked, rel, 2)).toBe(1);
    expect(hitAtK(ranked, rel, 1)).toBe(0);
  });

  it('AUC on a full and a truncated ranking', () => {
    // Candidates 0..5, positives {1, 3, 4}: pairs ordered right = 2 + 1 + 1 of 9.
    expect(aucOfRanking([0, 1, 2, 3, 4, 5], rel, 6)).toBeCloseTo(4 / 9, 12);
    // Truncated to 4: item 4 is unlisted and ties with the one unlisted negative (item 5) → ½.
    expect(aucOfRanking(ranked, rel, 6)).toBeCloseTo(3.5 / 9, 12);
    expect(aucOfRanking([1, 3, 4, 0, 2, 5], rel, 6)).toBe(1);
    expect(aucOfRanking([0, 2, 5, 1, 3, 4], rel, 6)).toBe(0);
    expect(aucOfRanking([], rel, 6)).toBe(0.5);
  });
});

describe('evaluateRankings', () => {
  it('averages over users and names metrics name@k', () => {
    const lists = [ranked, [4, 9, 9]];
    const relevant = [rel, new Set([4])];
    const m = evaluateRankings({ lists, relevant, ks: [1, 4], aucCandidates: [6, 10] });
    expect(m['precision@4']).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(m['precision@1']).toBeCloseTo(0.5, 12);
    expect(m['recall@4']).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(m['map@4']).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(m['mrr@4']).toBeCloseTo(0.75, 12);
    expect(m['hit@1']).toBeCloseTo(0.5, 12);
    // User 2: positive first, 9 negatives all below → 1; user 1 truncated list → 3.5/9.
    expect(m.auc).toBeCloseTo((3.5 / 9 + 1) / 2, 12);
  });

  it('adds beyond-accuracy metrics from the training matrix', () => {
    // 3 users × 4 items; popularity [2, 3, 1, 0].
    const train = csrFromCoo(3, 4, [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 1, 2]);
    const m = evaluateRankings({ lists: [[0, 1], [1, 2]], relevant: [new Set([3]), new Set([3])], ks: [2], beyond: { train } });
    expect(m['coverage@2']).toBeCloseTo(3 / 4, 12);
    // Exposure [1, 2, 1, 0] sorted [0, 1, 1, 2]: Σ(2i − n − 1)x = −1 + 1 + 6 = 6; ÷ (4 · 4).
    expect(m['gini@2']).toBeCloseTo(6 / 16, 12);
    // cos(0,1) = 2/√6, cos(1,2) = 1/√3; ILD = mean of 1 − cos.
    expect(m['ild@2']).toBeCloseTo(1 - (2 / Math.sqrt(6) + 1 / Math.sqrt(3)) / 2, 12);
    // −log₂(p): p = 2/3, 3/3, 3/3, 1/3.
    const nov = (-Math.log2(2 / 3) - 0 - 0 - Math.log2(1 / 3)) / 4;
    expect(m['novelty@2']).toBeCloseTo(nov, 12);
    // Mean popularity of recommended (2 + 3 + 3 + 1)/4 over catalogue mean 6/4.
    expect(m['popularity-bias@2']).toBeCloseTo(9 / 4 / (6 / 4), 12);
  });
});

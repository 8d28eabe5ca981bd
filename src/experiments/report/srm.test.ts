import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from './chi-square.js';
import { sampleRatioCheck } from './srm.js';

describe('chi-square upper tail', () => {
  it('matches published critical values', () => {
    // Table values: χ²(1) 3.841 → 0.05, 10.828 → 0.001; χ²(2) 5.991 → 0.05; χ²(5) 11.070 → 0.05; χ²(10) 2.558 → 0.99.
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 7);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(11.070498, 5)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(2.558212, 10)).toBeCloseTo(0.99, 6);
    // df = 2 has the closed form e^(−x/2).
    expect(chiSquareSurvival(7, 2)).toBeCloseTo(Math.exp(-3.5), 12);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});

describe('sample-ratio mismatch', () => {
  it('passes a 50/50 split observed as 5,020 / 4,980', () => {
    // χ² = (20² + 20²) / 5000 = 0.16; p = 0.689.
    const r = sampleRatioCheck([5020, 4980], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(0.16, 10);
    expect(r.pValue).toBeCloseTo(0.6892, 4);
    expect(r.mismatch).toBe(false);
  });

  it('flags a 50/50 split observed as 45/55', () => {
    // 4,500 / 5,500 of 10,000: χ² = (500² + 500²) / 5000 = 100; p ≈ 1.5e-23.
    const r = sampleRatioCheck([4500, 5500], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(100, 10);
    expect(r.pValue).toBeLessThan(1e-20);
    expect(r.mismatch).toBe(true);
  });

  it('checks unequal shares against their own expectation', () => {
    // 20/80 observed as 210 / 790 of 1,000: χ² = 10²/200 + 10²/800 = 0.625.
    const r = sampleRatioCheck([210, 790], [0.2, 0.8]);
    expect(r.chiSquare).toBeCloseTo(0.625, 10);
    expect(r.mismatch).toBe(false);
    expect(sampleRatioCheck([0, 0], [0.5, 0.5]).pValue).toBe(1);
  });
});

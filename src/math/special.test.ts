import { describe, expect, it } from 'vitest';
import { lgamma, regularizedBeta } from './special.js';

describe('special functions', () => {
  it('lgamma matches factorials', () => {
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('the regularized incomplete beta is the Beta CDF (hand-computed polynomials)', () => {
    // Beta(1,1) is uniform; Beta(2,3) has CDF 6x² − 8x³ + 3x⁴.
    for (const x of [0.1, 0.37, 0.5, 0.9]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedBeta(x, 2, 3)).toBeCloseTo(6 * x ** 2 - 8 * x ** 3 + 3 * x ** 4, 12);
      expect(regularizedBeta(x, 3, 2)).toBeCloseTo(1 - regularizedBeta(1 - x, 2, 3), 12);
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    // A sharp posterior: half its mass below its median, near the mean 0.3.
    expect(regularizedBeta(0.3, 3000, 7000)).toBeGreaterThan(0.45);
    expect(regularizedBeta(0.3, 3000, 7000)).toBeLessThan(0.55);
  });
});

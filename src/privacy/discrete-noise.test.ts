import { describe, expect, it } from 'vitest';
import {
  bernoulliExpNeg, discreteGaussianPmfZero, discreteGaussianTail, discreteGaussianVariance, discreteLaplaceTail, discreteLaplaceVariance,
  fractionOf, sampleDiscreteGaussian, sampleDiscreteLaplace, sampleDiscreteLaplaceExact,
} from './discrete-noise.js';
import { cryptoRandom, seededRandom, type RandomSource } from './random-source.js';

function moments(n: number, draw: () => bigint): { mean: number; variance: number; zeros: number } {
  let s = 0, s2 = 0, zeros = 0;
  for (let i = 0; i < n; i++) {
    const x = Number(draw());
    s += x;
    s2 += x * x;
    if (x === 0) zeros++;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean, zeros: zeros / n };
}

describe('fractionOf', () => {
  it('gives the exact dyadic fraction of a double', () => {
    for (const x of [0, 1, 0.5, 0.1, 3.3, 1e-9, 123456.789]) {
      const { num, den } = fractionOf(x);
      expect(Number(num) / Number(den)).toBe(x);
    }
    expect(fractionOf(0.75)).toEqual({ num: 3n, den: 4n });
    expect(() => fractionOf(-1)).toThrow(/finite number ≥ 0/);
  });
});

describe('Bernoulli(exp(−γ))', () => {
  it.each([[1n, 2n], [7n, 3n]])('is true with probability exp(−%i/%i)', (num, den) => {
    const random = seededRandom(5);
    const n = 40_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (bernoulliExpNeg(num, den, random)) hits++;
    const p = Math.exp(-Number(num) / Number(den));
    expect(Math.abs(hits / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('is always true for γ = 0', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 100; i++) expect(bernoulliExpNeg(0n, 1n, random)).toBe(true);
  });
});

describe('discrete Laplace', () => {
  it.each([1, 0.5, 2])('at ε = %f (scale 1/ε) has variance 2e^−ε/(1 − e^−ε)² and mean 0', (epsilon) => {
    const random = seededRandom(11);
    const { mean, variance } = moments(50_000, () => sampleDiscreteLaplace(1 / epsilon, random));
    const expected = (2 * Math.exp(-epsilon)) / (1 - Math.exp(-epsilon)) ** 2;
    expect(discreteLaplaceVariance(1 / epsilon)).toBeCloseTo(expected, 12);
    expect(Math.abs(variance / expected - 1)).toBeLessThan(0.08);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / 50_000));
  });

  it('takes a rational scale t/s exactly (CKS Algorithm 2)', () => {
    const random = seededRandom(3);
    const { variance } = moments(40_000, () => sampleDiscreteLaplaceExact(2n, 3n, random));
    expect(Math.abs(variance / discreteLaplaceVariance(1.5) - 1)).toBeLessThan(0.08);
  });

  it('has the tail P(Z ≥ m) = p^m/(1 + p), matching the samples', () => {
    const random = seededRandom(8);
    const n = 40_000;
    let atLeast3 = 0;
    for (let i = 0; i < n; i++) if (sampleDiscreteLaplace(2, random) >= 3n) atLeast3++;
    const p = Math.exp(-1 / 2);
    expect(discreteLaplaceTail(2, 3)).toBeCloseTo(p ** 3 / (1 + p), 12);
    expect(Math.abs(atLeast3 / n - discreteLaplaceTail(2, 3))).toBeLessThan(0.01);
    expect(discreteLaplaceTail(2, 0) - discreteLaplaceTail(2, 1)).toBeCloseTo((1 - p) / (1 + p), 12); // P(0)
  });
});

describe('discrete Gaussian', () => {
  it.each([1, 2, 5])('at σ = %i has variance ≈ σ² and P(0) = 1/Σ e^(−k²/2σ²)', (sigma) => {
    const random = seededRandom(21);
    const n = 40_000;
    const { mean, variance, zeros } = moments(n, () => sampleDiscreteGaussian(sigma, random));
    let sum = 0;
    for (let k = -60 * sigma; k <= 60 * sigma; k++) sum += Math.exp((-k * k) / (2 * sigma * sigma));
    expect(discreteGaussianPmfZero(sigma)).toBeCloseTo(1 / sum, 12);
    expect(Math.abs(zeros - 1 / sum)).toBeLessThan(4 * Math.sqrt((1 / sum) / n));
    expect(Math.abs(variance / (sigma * sigma) - 1)).toBeLessThan(0.06);
    expect(discreteGaussianVariance(sigma)).toBeCloseTo(sigma * sigma, 5);
    expect(Math.abs(mean)).toBeLessThan(5 * sigma / Math.sqrt(n));
  });

  it('has a tail that sums the pmf and lies below the continuous Gaussian tail one step earlier', () => {
    expect(discreteGaussianTail(3, 0)).toBeCloseTo(0.5 + discreteGaussianPmfZero(3) / 2, 12);
    // CKS 2020: P[X ≥ m] ≤ P[N(0, σ²) ≥ m − 1]; here against a loose closed bound of the normal tail.
    for (const m of [5, 10, 20]) expect(discreteGaussianTail(3, m)).toBeLessThanOrEqual(Math.exp(-((m - 1) ** 2) / 18));
  });
});

describe('random sources', () => {
  it('a seeded source repeats; the crypto source gives integers in range', () => {
    const a = seededRandom(7), b = seededRandom(7);
    const draw = (r: RandomSource): bigint[] => Array.from({ length: 20 }, () => sampleDiscreteLaplace(3, r));
    expect(draw(a)).toEqual(draw(b));
    for (let i = 0; i < 200; i++) {
      const x = cryptoRandom.below(10n);
      expect(x >= 0n && x < 10n).toBe(true);
    }
    const big = 2n ** 70n + 5n;
    for (let i = 0; i < 50; i++) expect(cryptoRandom.below(big) < big).toBe(true);
    expect(() => cryptoRandom.below(0n)).toThrow(/at least 1/);
  });

  it('a range above 2^48 is uniform over its top half too (no truncation)', () => {
    const random = seededRandom(2);
    const n = 2n ** 60n;
    let high = 0;
    for (let i = 0; i < 4000; i++) if (random.below(n) >= n / 2n) high++;
    expect(Math.abs(high / 4000 - 0.5)).toBeLessThan(0.05);
  });
});

/**
 * @module Exact samplers of integer noise after Canonne, Kamath and Steinke 2020, "The Discrete Gaussian for
 * Differential Privacy" (arXiv:2004.00010), Algorithms 1–3: Bernoulli(exp(−γ)), the discrete Laplace (two-sided
 * geometric) distribution and the discrete Gaussian, in exact rational arithmetic (BigInt) on uniform integers from a
 * `RandomSource`. No floating-point number enters a sampling decision, so the output distribution is exactly the one
 * the privacy analysis assumes (floating-point Laplace or Gaussian noise is not: Mironov 2012).
 *
 * Parameters given as numbers are turned into exact fractions (a finite double is a dyadic rational), so a scale or
 * variance is used exactly as computed.
 */
import { createError } from '../core/errors.js';
import { cryptoRandom, type RandomSource } from './random-source.js';

/** A non-negative fraction num/den (den ≥ 1). */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/** The exact fraction equal to a finite non-negative double. */
export function fractionOf(x: number, field = 'value'): Fraction {
  if (!(Number.isFinite(x) && x >= 0)) throw createError('INVALID_INPUT', { field, problem: `expected a finite number ≥ 0, got ${x}` });
  let den = 1n;
  let v = x;
  // Doubling is exact for doubles; at most 1074 steps (the smallest subnormal is 2^−1074).
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
  }
  return { num: BigInt(v), den };
}

/** Bernoulli(num/den). */
function bernoulli(num: bigint, den: bigint, random: RandomSource): boolean {
  return random.below(den) < num;
}

/** CKS Algorithm 1: true with probability exp(−num/den), for num/den ≥ 0. */
export function bernoulliExpNeg(num: bigint, den: bigint, random: RandomSource = cryptoRandom): boolean {
  if (num <= den) {
    // γ ∈ [0, 1]: K counts the draws until Bernoulli(γ/K) fails; P(K odd) = exp(−γ).
    let k = 1n;
    while (bernoulli(num, den * k, random)) k += 1n;
    return k % 2n === 1n;
  }
  for (let i = num / den; i > 0n; i--) {
    if (!bernoulliExpNeg(1n, 1n, random)) return false;
  }
  return bernoulliExpNeg(num % den, den, random);
}

/**
 * CKS Algorithm 2: the discrete Laplace distribution of scale t/s, P(Z = z) ∝ exp(−|z|·s/t) on the integers
 * (s, t ≥ 1). Its variance is 2p/(1 − p)² with p = exp(−s/t).
 */
export function sampleDiscreteLaplaceExact(s: bigint, t: bigint, random: RandomSource = cryptoRandom): bigint {
  if (s < 1n || t < 1n) throw createError('INVALID_INPUT', { field: 'scale', problem: `expected s, t ≥ 1, got ${s}, ${t}` });
  for (;;) {
    const u = random.below(t);
    if (!bernoulliExpNeg(u, t, random)) continue;
    let v = 0n;
    while (bernoulliExpNeg(1n, 1n, random)) v += 1n;
    const y = (u + t * v) / s;
    const negative = random.below(2n) === 1n;
    if (negative && y === 0n) continue; // otherwise 0 would be counted twice
    return negative ? -y : y;
  }
}

/** Discrete Laplace noise of scale `scale` (> 0): P(Z = z) ∝ exp(−|z| / scale). */
export function sampleDiscreteLaplace(scale: number, random: RandomSource = cryptoRandom): bigint {
  if (!(scale > 0)) throw createError('INVALID_INPUT', { field: 'scale', problem: `expected a scale > 0, got ${scale}` });
  const { num, den } = fractionOf(scale, 'scale');
  // scale = num/den = t/s.
  return sampleDiscreteLaplaceExact(den, num, random);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * CKS Algorithm 3: the discrete Gaussian of variance parameter σ² = num/den, P(Z = z) ∝ exp(−z²/(2σ²)): a discrete
 * Laplace proposal of scale t = ⌊σ⌋ + 1, accepted with probability exp(−(|Y| − σ²/t)²/(2σ²)).
 */
export function sampleDiscreteGaussianExact(sigma2: Fraction, random: RandomSource = cryptoRandom): bigint {
  const { num: n, den: d } = sigma2;
  if (n <= 0n || d < 1n) throw createError('INVALID_INPUT', { field: 'sigma2', problem: `expected σ² > 0, got ${n}/${d}` });
  const t = isqrt(n / d) + 1n;
  // (|Y| − σ²/t)² / (2σ²) = (|Y|·t·d − n)² / (2·t²·n·d): one fraction of integers.
  const acceptDen = 2n * t * t * n * d;
  for (;;) {
    const y = sampleDiscreteLaplaceExact(1n, t, random);
    const a = (y < 0n ? -y : y) * t * d - n;
    if (bernoulliExpNeg(a * a, acceptDen, random)) return y;
  }
}

/** Discrete Gaussian noise with σ = `sigma` (> 0). */
export function sampleDiscreteGaussian(sigma: number, random: RandomSource = cryptoRandom): bigint {
  if (!(sigma > 0 && Number.isFinite(sigma))) throw createError('INVALID_INPUT', { field: 'sigma', problem: `expected σ > 0, got ${sigma}` });
  return sampleDiscreteGaussianExact(fractionOf(sigma * sigma, 'sigma²'), random);
}

// ---------------------------------------------------------------- distribution functions (floating point)

/** Variance of the discrete Laplace of scale b: 2p/(1 − p)², p = exp(−1/b). */
export function discreteLaplaceVariance(scale: number): number {
  const p = Math.exp(-1 / scale);
  return (2 * p) / ((1 - p) * (1 - p));
}

/** P(Z ≥ m) for the discrete Laplace of scale b: p^m/(1 + p) for m ≥ 1, by symmetry below. */
export function discreteLaplaceTail(scale: number, m: number): number {
  const p = Math.exp(-1 / scale);
  if (m >= 1) return Math.exp(m * Math.log(p)) / (1 + p);
  return 1 - discreteLaplaceTail(scale, 1 - m);
}

/** Terms of the discrete Gaussian's normalising sum: k = 0, 1, …, until they vanish (k ≥ 40σ + 10). */
function gaussianTerms(sigma: number): number[] {
  const out: number[] = [];
  const kMax = Math.ceil(40 * sigma) + 10;
  for (let k = 0; k <= kMax; k++) out.push(Math.exp((-k * k) / (2 * sigma * sigma)));
  return out;
}

/** P(Z = 0) of the discrete Gaussian: 1 / Σ_k exp(−k²/(2σ²)). */
export function discreteGaussianPmfZero(sigma: number): number {
  const terms = gaussianTerms(sigma);
  return 1 / (1 + 2 * terms.slice(1).reduce((a, b) => a + b, 0));
}

/** Variance of the discrete Gaussian (slightly below σ² for small σ, within 1e-6 of it for σ ≥ 1). */
export function discreteGaussianVariance(sigma: number): number {
  const terms = gaussianTerms(sigma);
  let mass = terms[0]!, second = 0;
  for (let k = 1; k < terms.length; k++) {
    mass += 2 * terms[k]!;
    second += 2 * k * k * terms[k]!;
  }
  return second / mass;
}

/** P(Z ≥ m) for the discrete Gaussian, summed from the tail up so small tails keep their precision. */
export function discreteGaussianTail(sigma: number, m: number): number {
  if (m <= 0) return 1 - discreteGaussianTail(sigma, 1 - m);
  const terms = gaussianTerms(sigma);
  const total = terms[0]! + 2 * terms.slice(1).reduce((a, b) => a + b, 0);
  const kMax = terms.length - 1;
  if (m > kMax) {
    // Beyond the table: bound by the first term times a geometric series of ratio exp(−m/σ²).
    const first = Math.exp((-m * m) / (2 * sigma * sigma));
    return first / (1 - Math.exp(-m / (sigma * sigma))) / total;
  }
  let tail = 0;
  for (let k = kMax; k >= m; k--) tail += terms[k]!;
  return tail / total;
}

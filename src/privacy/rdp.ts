/**
 * @module Rényi differential privacy of the Sampled Gaussian Mechanism (DP-SGD with Poisson sampling of rate q and
 * Gaussian noise of standard deviation σ times the clipping norm), after Mironov, Talwar and Zhang 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (arXiv:1908.10530), Section 3.3.
 *
 * RDP(α) = log(A_α) / (α − 1) with A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α], μ0 = N(0, σ²), μ = (1−q)μ0 + qN(1, σ²).
 * For integer α, A_α is the finite binomial sum Σ_k C(α,k) q^k (1−q)^(α−k) exp((k²−k)/(2σ²)); for fractional α, the
 * paper's series splits the integral at z0 = σ² log(1/q − 1) + ½ and sums two series of erfc-weighted terms until
 * their terms drop below e^−30. Composition over T steps multiplies RDP by T.
 */
import { createError } from '../core/errors.js';
import { logAdd, logBinomial, logErfc, logSub } from './log-math.js';

/** TensorFlow Privacy's and Opacus' default orders: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

/** The orders of TensorFlow Privacy's `compute_dp_sgd_privacy`: a few fractional, 5…63, then 128, 256, 512. */
export const DP_SGD_ORDERS: readonly number[] = Object.freeze([
  1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5,
  ...Array.from({ length: 59 }, (_, i) => 5 + i),
  128, 256, 512,
]);

function invalid(field: string, problem: string): Error {
  return createError('INVALID_INPUT', { field, problem });
}

/** Throws INVALID_INPUT unless q ∈ [0, 1]. */
export function checkSampleRate(q: number, field = 'sampleRate'): void {
  if (!(q >= 0 && q <= 1)) throw invalid(field, `expected a sampling rate in [0, 1], got ${q}`);
}

/** Throws INVALID_INPUT unless σ is finite and ≥ 0. */
export function checkNoiseMultiplier(sigma: number, field = 'noiseMultiplier'): void {
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw invalid(field, `expected a finite noise multiplier ≥ 0, got ${sigma}`);
}

/** Throws INVALID_INPUT unless steps is an integer ≥ 0. */
export function checkSteps(steps: number, field = 'steps'): void {
  if (!(Number.isSafeInteger(steps) && steps >= 0)) throw invalid(field, `expected a whole number of steps ≥ 0, got ${steps}`);
}

/** Throws INVALID_INPUT unless orders is a non-empty list of numbers > 1 (Infinity allowed). */
export function checkOrders(orders: readonly number[], field = 'orders'): void {
  if (orders.length === 0) throw invalid(field, 'expected at least one Rényi order');
  orders.forEach((a, i) => {
    if (!(a > 1)) throw invalid(`${field}[${i}]`, `expected a Rényi order > 1, got ${a}`);
  });
}

/** log A_α for integer α ≥ 2 and 0 < q < 1: the binomial expansion, summed in log space. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q), log1mQ = Math.log1p(-q);
  let logA = -Infinity;
  for (let k = 0; k <= alpha; k++) {
    const term = logBinomial(alpha, k) + k * logQ + (alpha - k) * log1mQ + (k * k - k) / (2 * sigma * sigma);
    logA = logAdd(logA, term);
  }
  return logA;
}

/**
 * log A_α for fractional α > 1 and 0 < q < 1. The generalised binomial coefficients C(α, k) change sign once k
 * passes α, so the two partial sums (the integrals below and above z0) carry signed terms.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q), log1mQ = Math.log1p(-q);
  const twoSigma2 = 2 * sigma * sigma;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let logA0 = -Infinity, logA1 = -Infinity;
  // log |C(α, k)| and its sign, advanced by C(α, k+1) = C(α, k)·(α − k)/(k + 1).
  let logCoef = 0, positive = true;
  for (let k = 0; ; k++) {
    const j = alpha - k;
    const logT0 = logCoef + k * logQ + j * log1mQ;
    const logT1 = logCoef + j * logQ + k * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((k - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (k * k - k) / twoSigma2 + logE0;
    const logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;
    if (positive) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
    if (k > 1_000_000) throw createError('INTERNAL', { problem: `the RDP series did not converge (q=${q}, σ=${sigma}, α=${alpha})` });
    const ratio = (alpha - k) / (k + 1);
    logCoef += Math.log(Math.abs(ratio));
    if (ratio < 0) positive = !positive;
  }
  return logAdd(logA0, logA1);
}

/** RDP of one step of the Sampled Gaussian Mechanism at order α (may be Infinity). Arguments are not checked. */
export function rdpOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity; // no noise: no privacy at any order
  if (q === 1) return alpha / (2 * sigma * sigma); // the plain Gaussian mechanism
  if (alpha === Infinity) return Infinity;
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractional(q, sigma, alpha);
  return logA / (alpha - 1);
}

/**
 * RDP of `steps` compositions of the Sampled Gaussian Mechanism with sampling rate `q` and noise multiplier
 * `sigma`, one value per order (Infinity where unbounded).
 * @example computeRdp(256 / 60000, 1.1, 14063, DEFAULT_ORDERS)
 */
export function computeRdp(q: number, sigma: number, steps: number, orders: readonly number[]): number[] {
  checkSampleRate(q, 'q');
  checkNoiseMultiplier(sigma, 'sigma');
  checkSteps(steps);
  checkOrders(orders);
  return orders.map((alpha) => {
    const r = rdpOneStep(q, sigma, alpha);
    // 0·∞ would be NaN: zero steps spend nothing, whatever one step would.
    return steps === 0 ? 0 : r * steps;
  });
}

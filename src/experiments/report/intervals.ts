/**
 * @module Confidence intervals for per-impression metrics when the unit of randomisation is the user: a metric
 * such as likes per impression is a ratio of two per-user sums, ΣY/ΣN, and a user's impressions are not
 * independent of each other. The delta method (Deng, Knoblich & Lu 2018) linearises the ratio per user,
 * L_u = (Y_u − R·N_u) / N̄, so that Var(R) ≈ Var(L) / n over users. A per-user mean is the case N_u = 1.
 */

/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

export interface Estimate {
  value: number;
  /** Standard error (0 with fewer than two users). */
  se: number;
  low: number;
  high: number;
}

/** A ratio metric in one arm: its value and each user's linearised contribution (mean 0). */
export interface RatioSample {
  value: number;
  /** L_u per user, in the order given. */
  linearized: number[];
}

export function sampleVariance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
}

/** The ratio ΣY / ΣN over users with its linearisation; NaN value when ΣN is 0. */
export function ratioSample(numerators: readonly number[], denominators: readonly number[]): RatioSample {
  const n = numerators.length;
  const sumY = numerators.reduce((s, y) => s + y, 0);
  const sumN = denominators.reduce((s, d) => s + d, 0);
  if (n === 0 || sumN === 0) return { value: NaN, linearized: [] };
  const value = sumY / sumN, meanN = sumN / n;
  return { value, linearized: numerators.map((y, u) => (y - value * denominators[u]!) / meanN) };
}

export function estimate(value: number, variance: number): Estimate {
  const se = Math.sqrt(Math.max(0, variance));
  return { value, se, low: value - Z95 * se, high: value + Z95 * se };
}

/** The variance of an arm's ratio: Var(L) / n. */
export function ratioVariance(s: RatioSample): number {
  return s.linearized.length < 2 ? 0 : sampleVariance(s.linearized) / s.linearized.length;
}

/** Treatment minus control, arms independent: the variances add. */
export function difference(treatment: RatioSample, control: RatioSample): Estimate {
  return estimate(treatment.value - control.value, ratioVariance(treatment) + ratioVariance(control));
}

/**
 * @module Percentile bootstrap intervals (Efron & Tibshirani 1993): resample the units (rows, or whole slates)
 * with replacement, recompute every estimator — self-normalizing constants included — on each resample, and take
 * the α/2 and 1 − α/2 quantiles (linear interpolation between order statistics, NumPy's default). The reward
 * model is not refitted: the interval is the sampling spread of the estimator given the fitted q̂.
 */
import { createRng } from '../../core/rng.js';
import { ESTIMATORS, estimateAll, type EstimatorName, type OpeTerms } from './estimators.js';

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
  /** Coverage of the interval (0.95 → 2.5 % and 97.5 % quantiles). */
  readonly level?: number;
}

/** The percentile interval of every estimator, and the resampled values (for the report's chart). */
export function bootstrapIntervals(t: OpeTerms, options: BootstrapOptions): { ci: Record<EstimatorName, [number, number]>; samples: Record<EstimatorName, Float64Array> } {
  const rng = createRng(options.seed);
  const level = options.level ?? 0.95;
  const samples = Object.fromEntries(ESTIMATORS.map((e) => [e, new Float64Array(options.resamples)])) as Record<EstimatorName, Float64Array>;
  const counts = new Float64Array(t.units);
  for (let b = 0; b < options.resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < t.units; k++) counts[rng.int(t.units)]! += 1;
    const values = estimateAll(t, counts);
    for (const e of ESTIMATORS) samples[e][b] = values[e];
  }
  const ci = {} as Record<EstimatorName, [number, number]>;
  for (const e of ESTIMATORS) {
    const sorted = Float64Array.from(samples[e]).sort();
    ci[e] = [quantileSorted(sorted, (1 - level) / 2), quantileSorted(sorted, 1 - (1 - level) / 2)];
  }
  return { ci, samples };
}

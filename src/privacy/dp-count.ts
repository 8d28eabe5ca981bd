/**
 * @module Differentially private counts of user-bounded contributions, with discrete noise and, when the set of keys
 * is not public (hashtags, posts), key selection by threshold.
 *
 * Noise per count, for contributions bounded to l0 keys and linf per key (`contribution-bounding.ts`):
 * - `laplace`: discrete Laplace of scale b = L1/ε with L1 = l0·linf: ε-DP for the counts (basic composition over
 *   the keys is in L1).
 * - `gaussian`: discrete Gaussian with σ = L2/√(2ρ), L2 = √l0·linf, ρ the largest zCDP cost whose (ε, δ_noise)
 *   conversion is at most ε (`zcdp.ts`).
 *
 * Key selection (unknown keys): a key is released only when its noisy count is at least τ. A key that exists only
 * because of one user has a true count of at most linf, so it appears with probability P(Z ≥ τ − linf); τ is the
 * least integer making this at most δ' = 1 − (1 − δ_sel)^(1/l0), so over the user's l0 keys the chance that any
 * appears is at most δ_sel. This is the construction of Korolova et al. 2009 and Wilson et al. 2020 ("Differentially
 * Private SQL with Bounded User Contribution"); for linf = 1 and continuous Laplace noise it is the threshold of
 * Google's differential-privacy library, τ = 1 − (l0/ε)·ln(2δ'); here the tail is the exact one of the discrete noise
 * used, P(Z ≥ m) = p^m/(1 + p) with p = e^(−1/b) for the discrete Laplace, summed for the discrete Gaussian. δ_sel is
 * the whole δ for Laplace; for Gaussian δ is split in half between the noise and the selection.
 */
import { createError } from '../core/errors.js';
import type { PrivacyCost } from './budget-ledger.js';
import { checkBounds, l1Sensitivity, l2Sensitivity, type ContributionBounds } from './contribution-bounding.js';
import { discreteGaussianTail, discreteLaplaceTail, discreteLaplaceVariance, sampleDiscreteGaussian, sampleDiscreteLaplace } from './discrete-noise.js';
import { cryptoRandom, type RandomSource } from './random-source.js';
import { rhoFor } from './zcdp.js';

export const DP_MECHANISMS = ['laplace', 'gaussian'] as const;
export type DpMechanism = (typeof DP_MECHANISMS)[number];

export interface DpCountOptions {
  readonly epsilon: number;
  /** δ of one release: all of it for key selection (laplace), half for the noise and half for selection (gaussian). */
  readonly delta: number;
  readonly mechanism: DpMechanism;
  readonly bounds: ContributionBounds;
  /** 'unknown': keys come from the data and are selected by threshold; 'known': a fixed public list of keys. */
  readonly keys: 'known' | 'unknown';
}

export interface DpCountPlan {
  readonly mechanism: DpMechanism;
  readonly bounds: ContributionBounds;
  readonly epsilon: number;
  readonly delta: number;
  /** Scale b of the discrete Laplace, or σ of the discrete Gaussian. */
  readonly noiseScale: number;
  /** Standard deviation of the noise on one count. */
  readonly noiseSd: number;
  /** Least noisy count released (unknown keys); undefined for known keys. */
  readonly threshold: number | undefined;
  /** What one release costs, for the budget ledger. */
  readonly cost: PrivacyCost;
}

function checkEpsilonDelta(epsilon: number, delta: number): void {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw createError('INVALID_INPUT', { field: 'epsilon', problem: `expected a finite ε > 0, got ${epsilon}` });
  if (!(delta > 0 && delta < 1)) throw createError('INVALID_INPUT', { field: 'delta', problem: `expected 0 < δ < 1, got ${delta}` });
}

/** The noise, its scale and threshold, and the cost of one release. */
export function planCounts(options: DpCountOptions): DpCountPlan {
  const { epsilon, delta, mechanism, bounds, keys } = options;
  checkEpsilonDelta(epsilon, delta);
  checkBounds(bounds);
  if (mechanism === 'laplace') {
    const scale = l1Sensitivity(bounds) / epsilon;
    const selectionDelta = keys === 'unknown' ? delta : 0;
    return {
      mechanism, bounds, epsilon, delta, noiseScale: scale, noiseSd: Math.sqrt(discreteLaplaceVariance(scale)),
      threshold: keys === 'unknown' ? selectionThreshold((m) => discreteLaplaceTail(scale, m), bounds, selectionDelta) : undefined,
      cost: { epsilon, rho: 0, delta: selectionDelta },
    };
  }
  if (mechanism === 'gaussian') {
    const selectionDelta = keys === 'unknown' ? delta / 2 : 0;
    const rho = rhoFor(epsilon, delta - selectionDelta);
    const sigma = l2Sensitivity(bounds) / Math.sqrt(2 * rho);
    return {
      mechanism, bounds, epsilon, delta, noiseScale: sigma, noiseSd: sigma,
      threshold: keys === 'unknown' ? selectionThreshold((m) => discreteGaussianTail(sigma, m), bounds, selectionDelta) : undefined,
      cost: { epsilon: 0, rho, delta: selectionDelta },
    };
  }
  throw createError('UNKNOWN_OPTION', { kind: 'DP mechanism', name: String(mechanism), expected: DP_MECHANISMS.join(', ') });
}

/**
 * τ = linf + j with j the least integer ≥ 1 where P(Z ≥ j) ≤ δ' = 1 − (1 − δ_sel)^(1/l0). `tail(m)` = P(Z ≥ m) of the
 * noise, decreasing in m.
 */
export function selectionThreshold(tail: (m: number) => number, bounds: ContributionBounds, selectionDelta: number): number {
  const perKey = -Math.expm1(Math.log1p(-selectionDelta) / bounds.l0);
  let hi = 1;
  while (tail(hi) > perKey) hi *= 2;
  let lo = Math.floor(hi / 2); // tail(lo) > perKey, or lo = 0
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tail(mid) <= perKey) hi = mid;
    else lo = mid;
  }
  return bounds.linf + hi;
}

/** One draw of the plan's noise. */
export function sampleNoise(plan: DpCountPlan, random: RandomSource = cryptoRandom): number {
  const z = plan.mechanism === 'laplace' ? sampleDiscreteLaplace(plan.noiseScale, random) : sampleDiscreteGaussian(plan.noiseScale, random);
  return Number(z);
}

export interface NoisyCount {
  readonly key: string;
  readonly count: number;
}

/**
 * Noisy counts of the keys whose noisy count reaches the plan's threshold, largest first (ties by key). The keys'
 * order in the input does not matter, and every key gets its own noise draw before any is dropped.
 */
export function releaseSelectedCounts(counts: ReadonlyMap<string, number>, plan: DpCountPlan, random: RandomSource = cryptoRandom): NoisyCount[] {
  if (plan.threshold === undefined) throw createError('INVALID_INPUT', { field: 'plan', problem: 'key selection needs a plan made for unknown keys' });
  const out: NoisyCount[] = [];
  for (const [key, count] of counts) {
    const noisy = count + sampleNoise(plan, random);
    if (noisy >= plan.threshold) out.push({ key, count: noisy });
  }
  return out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Noisy counts of a fixed, public list of keys (no selection). Negative results are raised to 0 (post-processing,
 * at no privacy cost; it biases small counts upwards).
 */
export function releaseKnownCounts<K extends string>(counts: Readonly<Record<K, number>>, plan: DpCountPlan, random: RandomSource = cryptoRandom): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(counts) as K[]) out[key] = Math.max(0, counts[key] + sampleNoise(plan, random));
  return out;
}

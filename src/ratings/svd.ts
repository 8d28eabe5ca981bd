/**
 * @module `rating/svd`: biased matrix factorization r̂ = μ + b_u + b_i + q_iᵀp_u fitted by SGD on the squared error
 * with L2 regularisation, as Surprise's `SVD` (Funk; Koren, Bell & Volinsky 2009, eq. 5): factors N(0, 0.1²),
 * biases 0, per rating e = r − r̂, b_u += γ(e − λb_u), b_i += γ(e − λb_i), p_u += γ(e·q_i − λp_u),
 * q_i += γ(e·p_u − λq_i) (both from the old values). Surprise's defaults: 100 factors, 20 epochs, γ 0.005,
 * λ 0.02. The ratings are visited in a fresh seeded order each epoch (Surprise visits them user by user).
 * A cold user or item gets μ plus the known bias.
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { throwIfAborted } from '../core/progress.js';
import { createRng } from '../core/rng.js';
import { globalMean, type RatingSet } from './rating-data.js';
import { gaussianFactors, ratingCounts, type RatingFitOptions, type RatingModel } from './rating-model.js';

export const svdParams = z.strictObject({
  factors: z.number().int().min(1).default(100),
  epochs: z.number().int().min(1).default(20),
  lr: z.number().positive().default(0.005),
  reg: z.number().min(0).default(0.02),
  initStd: z.number().min(0).default(0.1),
});
export type SvdParams = z.infer<typeof svdParams>;

/** What every factor model predicts with: μ, biases, factors and which indices had training ratings. */
export interface FactorState {
  mu: number;
  bu: Float64Array;
  bi: Float64Array;
  /** users × factors. */
  p: Float64Array;
  /** items × factors. */
  q: Float64Array;
  known: { user: Int32Array; item: Int32Array };
}

/** Cold-aware prediction μ + b_u + b_i + q_iᵀ(p_u + extra_u); `extra` is SVD++'s implicit term (or none). */
export function factorPrediction(s: FactorState, factors: number, u: number, i: number, extra?: Float64Array): number {
  const ku = u < s.bu.length && s.known.user[u]! > 0, ki = i < s.bi.length && s.known.item[i]! > 0;
  let r = s.mu + (ku ? s.bu[u]! : 0) + (ki ? s.bi[i]! : 0);
  if (ku && ki) {
    const pu = u * factors, qi = i * factors;
    for (let f = 0; f < factors; f++) r += s.q[qi + f]! * (s.p[pu + f]! + (extra ? extra[f]! : 0));
  }
  return r;
}

export function initFactorState(train: RatingSet, factors: number, initStd: number, seed: number): FactorState {
  const rng = createRng(seed);
  const normal = (): number => rng.normal();
  return {
    mu: globalMean(train),
    bu: new Float64Array(train.nUsers),
    bi: new Float64Array(train.nItems),
    p: gaussianFactors(train.nUsers, factors, initStd, normal),
    q: gaussianFactors(train.nItems, factors, initStd, normal),
    known: ratingCounts(train),
  };
}

/** One SGD step of biased MF on rating k; returns the error before the step. */
export function svdStep(s: FactorState, factors: number, lr: number, reg: number, u: number, i: number, r: number): number {
  const pu = u * factors, qi = i * factors;
  let dot = 0;
  for (let f = 0; f < factors; f++) dot += s.q[qi + f]! * s.p[pu + f]!;
  const e = r - (s.mu + s.bu[u]! + s.bi[i]! + dot);
  s.bu[u]! += lr * (e - reg * s.bu[u]!);
  s.bi[i]! += lr * (e - reg * s.bi[i]!);
  for (let f = 0; f < factors; f++) {
    const p = s.p[pu + f]!, q = s.q[qi + f]!;
    s.p[pu + f] = p + lr * (e * q - reg * p);
    s.q[qi + f] = q + lr * (e * p - reg * q);
  }
  return e;
}

export class SvdModel implements RatingModel {
  readonly id = 'rating/svd';
  private state: FactorState | undefined;
  constructor(readonly params: SvdParams) {}

  fit(train: RatingSet, options: RatingFitOptions): void {
    const { factors, epochs, lr, reg, initStd } = this.params;
    const s = initFactorState(train, factors, initStd, options.seed);
    const rng = createRng(options.seed + 1);
    const order = Array.from({ length: train.value.length }, (_, k) => k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      throwIfAborted(options.signal, this.id);
      for (const k of rng.shuffle(order)) svdStep(s, factors, lr, reg, train.user[k]!, train.item[k]!, train.value[k]!);
    }
    this.state = s;
  }

  predict(user: number, item: number): number {
    if (!this.state) throw createError('MODEL_NOT_FITTED', { model: this.id });
    return factorPrediction(this.state, this.params.factors, user, item);
  }
}

/**
 * @module `rating/baseline`: r̂ = μ + b_u + b_i, the biases fitted by alternating least squares as Surprise's
 * `BaselineOnly` (`bsl_options` method `als`: `n_epochs` 10, `reg_u` 15, `reg_i` 10). Each epoch sets every item
 * bias to Σ(r − μ − b_u) / (reg_i + |U_i|), then every user bias to Σ(r − μ − b_i) / (reg_u + |I_u|) (Koren 2010,
 * section 2.1). Also the fallback of the other models for cold users and items.
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { throwIfAborted } from '../core/progress.js';
import { globalMean, type RatingSet } from './rating-data.js';
import type { RatingFitOptions, RatingModel } from './rating-model.js';

export const baselineParams = z.strictObject({
  epochs: z.number().int().min(1).default(10),
  regUser: z.number().min(0).default(15),
  regItem: z.number().min(0).default(10),
});
export type BaselineParams = z.infer<typeof baselineParams>;

export interface Biases {
  mu: number;
  user: Float64Array;
  item: Float64Array;
}

/** ALS biases of a rating set. */
export function fitBiases(train: RatingSet, params: BaselineParams, signal?: AbortSignal): Biases {
  const mu = globalMean(train);
  const user = new Float64Array(train.nUsers), item = new Float64Array(train.nItems);
  const sum = new Float64Array(Math.max(train.nUsers, train.nItems)), count = new Int32Array(sum.length);
  const n = train.value.length;
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    throwIfAborted(signal, 'rating/baseline');
    sum.fill(0); count.fill(0);
    for (let k = 0; k < n; k++) {
      const i = train.item[k]!;
      sum[i]! += train.value[k]! - mu - user[train.user[k]!]!;
      count[i]!++;
    }
    for (let i = 0; i < train.nItems; i++) item[i] = sum[i]! / (params.regItem + count[i]!);
    sum.fill(0); count.fill(0);
    for (let k = 0; k < n; k++) {
      const u = train.user[k]!;
      sum[u]! += train.value[k]! - mu - item[train.item[k]!]!;
      count[u]!++;
    }
    for (let u = 0; u < train.nUsers; u++) user[u] = sum[u]! / (params.regUser + count[u]!);
  }
  return { mu, user, item };
}

/** μ + b_u + b_i, a cold index contributing 0 (its bias is 0 by construction of the ALS step). */
export function biasPrediction(b: Biases, u: number, i: number): number {
  return b.mu + (u < b.user.length ? b.user[u]! : 0) + (i < b.item.length ? b.item[i]! : 0);
}

export class BaselineModel implements RatingModel {
  readonly id = 'rating/baseline';
  private biases: Biases | undefined;
  constructor(readonly params: BaselineParams) {}

  fit(train: RatingSet, options: RatingFitOptions): void {
    this.biases = fitBiases(train, this.params, options.signal);
  }

  predict(user: number, item: number): number {
    if (!this.biases) throw createError('MODEL_NOT_FITTED', { model: this.id });
    return biasPrediction(this.biases, user, item);
  }
}

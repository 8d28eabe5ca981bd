/**
 * @module `rating/knn-baseline`: item-based neighbourhood model on baseline residuals, as Surprise's `KNNBaseline`
 * with `sim_options {name: 'pearson_baseline', user_based: False}` (Koren 2010, section 2.2):
 * r̂_ui = b_ui + Σ_j s_ij (r_uj − b_uj) / Σ_j s_ij over the k items j rated by u most similar to i (positive
 * similarities only), b the ALS baseline. s_ij is the Pearson correlation of the residuals r − b over the users who
 * rated both, shrunk by (n_ij − 1) / (n_ij − 1 + shrinkage). The item × item tables are dense (items² memory).
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { throwIfAborted } from '../core/progress.js';
import { baselineParams, biasPrediction, fitBiases, type Biases } from './baseline.js';
import { byUser, type RatingSet } from './rating-data.js';
import type { RatingFitOptions, RatingModel } from './rating-model.js';

export const knnBaselineParams = z.strictObject({
  k: z.number().int().min(1).default(40),
  shrinkage: z.number().min(0).default(100),
  baseline: baselineParams.prefault({}),
});
export type KnnBaselineParams = z.infer<typeof knnBaselineParams>;

export class KnnBaselineModel implements RatingModel {
  readonly id = 'rating/knn-baseline';
  private biases: Biases | undefined;
  private sim = new Float32Array(0);
  private nItems = 0;
  /** Per user: rated items and their residuals (CSR). */
  private rows: { indptr: Int32Array; items: Int32Array; residual: Float64Array } = { indptr: new Int32Array(1), items: new Int32Array(0), residual: new Float64Array(0) };
  constructor(readonly params: KnnBaselineParams) {}

  fit(train: RatingSet, options: RatingFitOptions): void {
    const b = fitBiases(train, this.params.baseline, options.signal);
    const I = train.nItems;
    const groups = byUser(train);
    const items = new Int32Array(train.value.length), residual = new Float64Array(train.value.length);
    groups.order.forEach((k, m) => {
      items[m] = train.item[k]!;
      residual[m] = train.value[k]! - biasPrediction(b, train.user[k]!, train.item[k]!);
    });
    const prod = new Float64Array(I * I), sqi = new Float64Array(I * I), count = new Int32Array(I * I);
    for (let u = 0; u < train.nUsers; u++) {
      if (u % 64 === 0) throwIfAborted(options.signal, this.id);
      const from = groups.indptr[u]!, to = groups.indptr[u + 1]!;
      for (let a = from; a < to; a++) {
        const i = items[a]! * I, zi = residual[a]!;
        for (let c = from; c < to; c++) {
          const j = items[c]!, zj = residual[c]!;
          prod[i + j]! += zi * zj;
          sqi[i + j]! += zi * zi;
          count[i + j]!++;
        }
      }
    }
    const sim = new Float32Array(I * I);
    const { shrinkage } = this.params;
    for (let i = 0; i < I; i++) {
      for (let j = 0; j < I; j++) {
        const n = count[i * I + j]!;
        const den = Math.sqrt(sqi[i * I + j]! * sqi[j * I + i]!);
        if (n < 2 || den === 0) continue;
        sim[i * I + j] = ((n - 1) / (n - 1 + shrinkage)) * (prod[i * I + j]! / den);
      }
    }
    this.sim = sim;
    this.nItems = I;
    this.biases = b;
    this.rows = { indptr: groups.indptr, items, residual };
  }

  predict(user: number, item: number): number {
    if (!this.biases) throw createError('MODEL_NOT_FITTED', { model: this.id });
    const base = biasPrediction(this.biases, user, item);
    if (user >= this.rows.indptr.length - 1 || item >= this.nItems) return base;
    const from = this.rows.indptr[user]!, to = this.rows.indptr[user + 1]!;
    const neighbours: { s: number; z: number }[] = [];
    for (let m = from; m < to; m++) {
      const s = this.sim[item * this.nItems + this.rows.items[m]!]!;
      if (s > 0 && this.rows.items[m] !== item) neighbours.push({ s, z: this.rows.residual[m]! });
    }
    neighbours.sort((a, b) => b.s - a.s);
    let num = 0, den = 0;
    for (const n of neighbours.slice(0, this.params.k)) {
      num += n.s * n.z;
      den += n.s;
    }
    return den > 0 ? base + num / den : base;
  }
}

/**
 * @module `rating/svdpp`: SVD++ (Koren 2008, eq. 15): r̂ = μ + b_u + b_i + q_iᵀ(p_u + |N(u)|^−½ Σ_{j∈N(u)} y_j), with
 * N(u) the items u rated in training, fitted by SGD as Surprise's `SVDpp`: per rating e = r − r̂, biases and
 * p_u, q_i as in SVD (q_i's gradient uses p_u plus the implicit term), and y_j += γ(e·|N(u)|^−½·q_i − λy_j) for
 * every j ∈ N(u). Surprise's defaults: 20 factors, 20 epochs, γ 0.007, λ 0.02, N(0, 0.1²) factors.
 *
 * Users are visited in a fresh seeded order each epoch, each user's ratings shuffled and taken together. The
 * implicit term is computed once per user block and then kept up to date exactly: after the y step it moves by
 * γ(e·q_i − λ·term), the sum of the y steps over N(u) scaled by |N(u)|^−½.
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { throwIfAborted } from '../core/progress.js';
import { createRng } from '../core/rng.js';
import { byUser, type RatingSet } from './rating-data.js';
import { gaussianFactors, type RatingFitOptions, type RatingModel } from './rating-model.js';
import { factorPrediction, initFactorState, type FactorState } from './svd.js';

export const svdppParams = z.strictObject({
  factors: z.number().int().min(1).default(20),
  epochs: z.number().int().min(1).default(20),
  lr: z.number().positive().default(0.007),
  reg: z.number().min(0).default(0.02),
  initStd: z.number().min(0).default(0.1),
});
export type SvdppParams = z.infer<typeof svdppParams>;

export class SvdppModel implements RatingModel {
  readonly id = 'rating/svdpp';
  private state: FactorState | undefined;
  /** users × factors: |N(u)|^−½ Σ y_j after training. */
  private implicit = new Float64Array(0);
  constructor(readonly params: SvdppParams) {}

  fit(train: RatingSet, options: RatingFitOptions): void {
    const { factors: F, epochs, lr, reg, initStd } = this.params;
    const s = initFactorState(train, F, initStd, options.seed);
    const rng = createRng(options.seed + 1);
    const y = gaussianFactors(train.nItems, F, initStd, () => rng.normal());
    const groups = byUser(train);
    const users = Array.from({ length: train.nUsers }, (_, u) => u).filter((u) => groups.indptr[u + 1]! > groups.indptr[u]!);
    const term = new Float64Array(F), grad = new Float64Array(F);
    for (let epoch = 0; epoch < epochs; epoch++) {
      throwIfAborted(options.signal, this.id);
      for (const u of rng.shuffle(users)) {
        const from = groups.indptr[u]!, to = groups.indptr[u + 1]!;
        const scale = 1 / Math.sqrt(to - from);
        implicitTerm(y, F, groups.order, train.item, from, to, scale, term);
        const block = rng.shuffle(Array.from(groups.order.subarray(from, to)));
        for (const k of block) {
          const i = train.item[k]!, pu = u * F, qi = i * F;
          let dot = 0;
          for (let f = 0; f < F; f++) dot += s.q[qi + f]! * (s.p[pu + f]! + term[f]!);
          const e = train.value[k]! - (s.mu + s.bu[u]! + s.bi[i]! + dot);
          s.bu[u]! += lr * (e - reg * s.bu[u]!);
          s.bi[i]! += lr * (e - reg * s.bi[i]!);
          for (let f = 0; f < F; f++) {
            const p = s.p[pu + f]!, q = s.q[qi + f]!, t = term[f]!;
            s.p[pu + f] = p + lr * (e * q - reg * p);
            s.q[qi + f] = q + lr * (e * (p + t) - reg * q);
            grad[f] = e * scale * q;
            term[f] = t + lr * (e * q - reg * t);
          }
          for (let m = from; m < to; m++) {
            const j = train.item[groups.order[m]!]! * F;
            for (let f = 0; f < F; f++) y[j + f]! += lr * (grad[f]! - reg * y[j + f]!);
          }
        }
      }
    }
    this.implicit = new Float64Array(train.nUsers * F);
    for (let u = 0; u < train.nUsers; u++) {
      const from = groups.indptr[u]!, to = groups.indptr[u + 1]!;
      if (to > from) implicitTerm(y, F, groups.order, train.item, from, to, 1 / Math.sqrt(to - from), this.implicit.subarray(u * F, (u + 1) * F));
    }
    this.state = s;
  }

  predict(user: number, item: number): number {
    if (!this.state) throw createError('MODEL_NOT_FITTED', { model: this.id });
    const F = this.params.factors;
    return factorPrediction(this.state, F, user, item, user < this.state.bu.length ? this.implicit.subarray(user * F, (user + 1) * F) : undefined);
  }
}

/** out = scale · Σ_{m ∈ [from, to)} y[item of order[m]]. */
function implicitTerm(y: Float64Array, F: number, order: Int32Array, items: Int32Array, from: number, to: number, scale: number, out: Float64Array): void {
  out.fill(0);
  for (let m = from; m < to; m++) {
    const j = items[order[m]!]! * F;
    for (let f = 0; f < F; f++) out[f]! += y[j + f]!;
  }
  for (let f = 0; f < F; f++) out[f]! *= scale;
}

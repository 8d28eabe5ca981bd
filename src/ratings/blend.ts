/**
 * @module `rating/blend`: r̂ = w₀ + Σ_m w_m·r̂_m over member rating models (Koren 2009's final blend, linear). The
 * weights come from the training ratings only: one seeded fold (1/`holdoutFolds`) of them is held out, the
 * members are fitted on the rest, and ridge least squares (λ `ridge`, intercept unpenalised) fits their
 * held-out predictions to the held-out ratings; then every member is fitted again on all training ratings.
 * Nothing of a test fold is read, so a blend inside k-fold cross-validation is a fair entry.
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import { choleskyLower } from '../policy/cholesky.js';
import { kFolds } from './k-fold.js';
import { subsetRatings, type RatingSet } from './rating-data.js';
import { predictAll, type RatingFitOptions, type RatingModel } from './rating-model.js';

const member = z.strictObject({ id: z.string(), params: z.record(z.string(), z.unknown()).optional() });

export const blendParams = z.strictObject({
  /**
   * Default members and their settings were chosen on an inner validation split of the first training fold of
   * ml-100k (docs/benchmarks.md), never on a test fold.
   */
  members: z.array(member).min(1).default([
    { id: 'rating/baseline' },
    { id: 'rating/svd', params: { factors: 200, epochs: 100, reg: 0.1 } },
    { id: 'rating/svdpp', params: { epochs: 40, lr: 0.005, reg: 0.05 } },
    { id: 'rating/knn-baseline' },
  ]),
  /** The held-out share is 1 / holdoutFolds of the training ratings. */
  holdoutFolds: z.number().int().min(2).default(10),
  ridge: z.number().min(0).default(1e-3),
});
export type BlendParams = z.infer<typeof blendParams>;

export class BlendModel implements RatingModel {
  readonly id = 'rating/blend';
  private models: RatingModel[] = [];
  /** Intercept, then one weight per member. */
  private weightsFitted: Float64Array | undefined;

  constructor(
    readonly params: BlendParams,
    private readonly create: (id: string, params?: Record<string, unknown>) => RatingModel,
  ) {
    for (const m of params.members) if (m.id === 'rating/blend') throw createError('INVALID_INPUT', { field: 'rating/blend params.members', problem: 'a blend cannot contain a blend' });
  }

  /** The fitted intercept and member weights. */
  get weights(): Float64Array {
    if (!this.weightsFitted) throw createError('MODEL_NOT_FITTED', { model: this.id });
    return this.weightsFitted;
  }

  fit(train: RatingSet, options: RatingFitOptions): void {
    const fold = kFolds(train.value.length, this.params.holdoutFolds, options.seed + 7)[0]!;
    const inner = subsetRatings(train, fold.train), held = subsetRatings(train, fold.test);
    const columns = this.params.members.map((m) => {
      const model = this.create(m.id, m.params);
      model.fit(inner, options);
      return predictAll(model, held.user, held.item);
    });
    this.weightsFitted = ridgeWithIntercept(columns, held.value, this.params.ridge);
    this.models = this.params.members.map((m) => {
      const model = this.create(m.id, m.params);
      model.fit(train, options);
      return model;
    });
  }

  predict(user: number, item: number): number {
    const w = this.weights;
    let r = w[0]!;
    for (let m = 0; m < this.models.length; m++) r += w[m + 1]! * this.models[m]!.predict(user, item);
    return r;
  }
}

/** argmin_w ‖w₀ + Σ w_m x_m − y‖² + λ‖w_{1…}‖² by the normal equations (Cholesky). */
export function ridgeWithIntercept(columns: readonly Float64Array[], y: Float64Array, lambda: number): Float64Array {
  const d = columns.length + 1, n = y.length;
  const col = (c: number, k: number): number => (c === 0 ? 1 : columns[c - 1]![k]!);
  const a = new Float64Array(d * d), b = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    for (let k = 0; k < n; k++) b[r]! += col(r, k) * y[k]!;
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += col(r, k) * col(c, k);
      a[r * d + c] = a[c * d + r] = s;
    }
    if (r > 0) a[r * d + r]! += lambda * n;
  }
  const l = new Float64Array(d * d);
  choleskyLower(a, l, d);
  const z1 = new Float64Array(d), w = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    let s = b[r]!;
    for (let c = 0; c < r; c++) s -= l[r * d + c]! * z1[c]!;
    z1[r] = s / l[r * d + r]!;
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = z1[r]!;
    for (let c = r + 1; c < d; c++) s -= l[c * d + r]! * w[c]!;
    w[r] = s / l[r * d + r]!;
  }
  return w;
}

/**
 * @module Cross-fitted reward predictions for DM and DR (Chernozhukov et al. 2018; the Open Bandit Pipeline's
 * `RegressionModel.fit_predict(n_folds=…)`): the rows are split into `folds` parts (whole slates stay together),
 * each part is predicted by a model fitted on the others, so no row's prediction has seen its own reward. With
 * `folds: 1` one model is fitted on every row and predicts them all. The model: `reward-features.ts` under a
 * logistic link when every reward is in [0, 1], least squares otherwise, ridge λ = `l2`.
 */
import { createRng } from '../../core/rng.js';
import { fitGlm, predictGlm, type Link } from './glm.js';
import { buildRewardFeatures } from './reward-features.js';
import type { EvaluationPolicy, LoggedRow } from './types.js';

export interface RewardPredictions {
  /** q̂(xᵢ, aᵢ, kᵢ): the predicted reward of the logged action. */
  readonly factual: Float64Array;
  /** Σ_a π(a | xᵢ, kᵢ) q̂(xᵢ, a, kᵢ): the predicted reward of the evaluation policy in row i's slot. */
  readonly underPolicy: Float64Array;
  readonly link: Link;
}

export interface RewardModelOptions {
  readonly folds: number;
  readonly l2: number;
  readonly seed: number;
}

/** Fold of each row: slates (or rows without a slate id) shuffled by `seed`, then dealt round-robin. */
export function assignFolds(rows: readonly LoggedRow[], folds: number, seed: number): Int32Array {
  const unitOf = new Map<string, number>();
  const units = rows.map((r, i) => {
    const key = r.slateId === undefined ? `#${i}` : `s${r.slateId}`;
    let u = unitOf.get(key);
    if (u === undefined) unitOf.set(key, (u = unitOf.size));
    return u;
  });
  const order = createRng(seed).shuffle([...Array(unitOf.size).keys()]);
  const foldOfUnit = new Int32Array(unitOf.size);
  order.forEach((u, i) => { foldOfUnit[u] = i % folds; });
  return Int32Array.from(units, (u) => foldOfUnit[u]!);
}

export function predictRewards(rows: readonly LoggedRow[], policy: EvaluationPolicy, options: RewardModelOptions): RewardPredictions {
  const link: Link = rows.every((r) => r.reward >= 0 && r.reward <= 1) ? 'logit' : 'identity';
  const folds = Math.max(1, Math.min(options.folds, rows.length));
  const fold = folds > 1 ? assignFolds(rows, folds, options.seed) : new Int32Array(rows.length);
  const factual = new Float64Array(rows.length), underPolicy = new Float64Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const train = folds > 1 ? rows.filter((_, i) => fold[i] !== f) : rows;
    const features = buildRewardFeatures(train);
    const w = fitGlm(train.map((r) => features.row(r.action, r.position, r.context)), train.map((r) => r.reward), features.dim, { link, l2: options.l2 });
    rows.forEach((r, i) => {
      if (fold[i] !== f) return;
      factual[i] = predictGlm(w, features.row(r.action, r.position, r.context), link);
      let v = 0;
      for (const [a, p] of policy.distribution(r.position, r.context)) v += p * predictGlm(w, features.row(a, r.position, r.context), link);
      underPolicy[i] = v;
    });
  }
  return { factual, underPolicy, link };
}

/**
 * @module Off-policy evaluation of one policy on one log: weights (checked), cross-fitted reward model, the five
 * estimators, bootstrap intervals, and — when the policy's own value is known — each estimator's relative error
 * |estimate − truth| / truth.
 */
import { bootstrapIntervals } from './bootstrap.js';
import { ESTIMATORS, estimateAll, type EstimatorName } from './estimators.js';
import { buildTerms, importanceWeights, targetProbabilities, type OpeUnit } from './ope-terms.js';
import { predictRewards } from './reward-model.js';
import type { EvaluationPolicy, OpeLog } from './types.js';

export interface OpeOptions {
  readonly unit?: OpeUnit;
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  readonly seed?: number;
  /** Cross-fitting folds of the reward model (default 3; 1 fits on every row). */
  readonly folds?: number;
  /** Ridge penalty of the reward model (default 1). */
  readonly l2?: number;
}

export interface EstimatorResult {
  readonly value: number;
  /** 95 % percentile bootstrap interval. */
  readonly ci: [number, number];
  /** |value − onPolicy| / onPolicy, when the policy's value is known. */
  readonly relativeError?: number;
}

export interface OpeResult {
  readonly estimators: Record<EstimatorName, EstimatorResult>;
  /** Logged rows read. */
  readonly rows: number;
  /** The evaluated policy's known value (an `obd:` policy file's mean click). */
  readonly onPolicy?: number;
  readonly logs: string;
  readonly policy: string;
  readonly unit: OpeUnit;
  /** Bootstrap units: rows, or slates. */
  readonly units: number;
  readonly seed: number;
  readonly resamples: number;
  readonly folds: number;
  readonly l2: number;
  readonly rewardModel: 'logistic' | 'least-squares';
  /** Mean logged reward: what the behaviour policy earned. */
  readonly loggedValue: number;
  readonly weights: { readonly mean: number; readonly max: number; readonly effectiveSampleSize: number; readonly zeroShare: number };
  readonly createdAt: string;
}

export interface OpeRun {
  readonly result: OpeResult;
  /** Every estimator's bootstrap values (for the report's chart). */
  readonly samples: Record<EstimatorName, Float64Array>;
  readonly weight: Float64Array;
}

function weightSummary(w: Float64Array): OpeResult['weights'] {
  let s = 0, s2 = 0, max = 0, zero = 0;
  for (const x of w) { s += x; s2 += x * x; max = Math.max(max, x); if (x === 0) zero++; }
  return { mean: s / w.length, max, effectiveSampleSize: s2 > 0 ? (s * s) / s2 : 0, zeroShare: zero / w.length };
}

export function runOpe(log: OpeLog, policy: EvaluationPolicy, options: OpeOptions = {}): OpeRun {
  const unit = options.unit ?? 'slot', seed = options.seed ?? 42, resamples = options.resamples ?? 1000;
  const folds = options.folds ?? 3, l2 = options.l2 ?? 1;
  const weight = importanceWeights(log.rows, targetProbabilities(log.rows, policy));
  const rewards = predictRewards(log.rows, policy, { folds, l2, seed });
  const terms = buildTerms(log.rows, weight, rewards, unit);
  const point = estimateAll(terms);
  const { ci, samples } = bootstrapIntervals(terms, { resamples, seed });
  const truth = policy.onPolicy;
  const estimators = Object.fromEntries(ESTIMATORS.map((e) => [e, {
    value: point[e],
    ci: ci[e],
    ...(truth !== undefined && truth !== 0 ? { relativeError: Math.abs(point[e] - truth) / Math.abs(truth) } : {}),
  }])) as Record<EstimatorName, EstimatorResult>;
  let logged = 0;
  for (const r of log.rows) logged += r.reward;
  return {
    result: {
      estimators,
      rows: log.rows.length,
      ...(truth === undefined ? {} : { onPolicy: truth }),
      logs: log.source,
      policy: policy.description,
      unit,
      units: terms.units,
      seed,
      resamples,
      folds,
      l2,
      rewardModel: rewards.link === 'logit' ? 'logistic' : 'least-squares',
      loggedValue: logged / terms.units,
      weights: weightSummary(weight),
      createdAt: new Date().toISOString(),
    },
    samples,
    weight,
  };
}

/**
 * @module Rating prediction under k-fold cross-validation (`resonate eval --task rating`), Surprise's
 * `cross_validate(algo, data, measures=['RMSE', 'MAE'], cv=5)` protocol: the ratings (the latest `rating` event of
 * each user–item pair) are cut into k random folds by one seed; each model is fitted on k − 1 folds and scored on
 * the held-out fold with RMSE, MAE and MSE of its predictions clipped to the rating scale (configured, else the
 * training folds' smallest and largest rating); `result.json` has the mean over folds, the sample std, and each
 * fold's numbers. `part: 'validation'` scores instead one inner fold carved out of each training part, so
 * settings can be chosen without the test folds.
 */
import { createError } from '../../core/errors.js';
import type { ResonateConfig } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import { noProgress, throwIfAborted, type Progress } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { kFolds, type Fold } from '../../ratings/k-fold.js';
import { checkRating, clip, ratingScale, ratingsOf, subsetRatings, type RatingScale, type RatingSet } from '../../ratings/rating-data.js';
import { predictAll } from '../../ratings/rating-model.js';
import { createRatingModel, RATING_MODEL_IDS } from '../../ratings/rating-models.js';
import { dataFingerprint } from '../fingerprint.js';
import { mae, rmse } from '../metrics/rating-metrics.js';
import { mean, sampleStd, type ModelSpec } from '../run-evaluation.js';

export interface RatingEvaluationOptions {
  data: Dataset;
  /** Rating model specs (`rating/…`), or `'all'`. */
  models: 'all' | readonly (ModelSpec | 'all')[];
  /** k of k-fold (default 5). */
  folds?: number;
  /** Seed of the folds and of every model's fit (default 42). */
  seed?: number;
  part?: 'test' | 'validation';
  /** `weights.rating` of the config the data was built with (rating values are read back through it). */
  weights?: Pick<ResonateConfig['weights'], 'rating'>;
  /** The rating scale; every rating must lie on it (RATING_OUT_OF_SCALE). Default: the training folds' range. */
  scale?: readonly [number, number];
  progress?: Progress;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface RatingFoldResult {
  rmse: number;
  mae: number;
  mse: number;
  fitSeconds: number;
  /** CPU seconds of the fit (user + system of this process): a loaded machine distorts wall time, not this. */
  fitCpuSeconds: number;
  predictSeconds: number;
}

export interface RatingModelResult {
  id: string;
  label?: string;
  /** Means over folds: `rmse`, `mae`, `mse`. */
  metrics: Record<'rmse' | 'mae' | 'mse', number>;
  /** Sample std over folds of the metrics and of `fitSeconds`. */
  std: Record<'rmse' | 'mae' | 'mse' | 'fitSeconds', number>;
  /** Mean wall-clock seconds of one fold's fit. */
  fitSeconds: number;
  /** Mean CPU seconds of one fold's fit. */
  fitCpuSeconds: number;
  /** Mean wall-clock seconds to predict one test fold. */
  predictSeconds: number;
  params: Record<string, unknown>;
  folds: RatingFoldResult[];
}

export interface RatingEvaluationResult {
  task: 'rating';
  protocol: { name: 'rating-kfold'; description: string; folds: number; seed: number; part: 'test' | 'validation'; scale: RatingScale | 'training range' };
  models: RatingModelResult[];
  data: { fingerprint: string; users: number; items: number; ratings: number };
  /** Mean number of scored ratings per fold. */
  evaluatedRatings: number;
  createdAt: string;
}

/** The specs of `models`, `all` expanded to every rating model. */
export function ratingModelSpecs(models: RatingEvaluationOptions['models']): { id: string; params?: Record<string, unknown>; label?: string }[] {
  const list = models === 'all' ? ['all' as const] : models;
  return list.flatMap((m): { id: string; params?: Record<string, unknown>; label?: string }[] => (m === 'all' ? RATING_MODEL_IDS.map((id) => ({ id })) : [typeof m === 'string' ? { id: m } : m]));
}

/** The (train, scored) ratings of one fold: the test fold, or with `validation` an inner fold of its training part. */
function foldParts(ratings: RatingSet, fold: Fold, folds: number, seed: number, part: 'test' | 'validation'): { train: RatingSet; scored: RatingSet } {
  if (part === 'test') return { train: subsetRatings(ratings, fold.train), scored: subsetRatings(ratings, fold.test) };
  const inner = kFolds(fold.train.length, folds, seed + 1)[0]!;
  const pick = (positions: Int32Array): Int32Array => positions.map((p) => fold.train[p]!);
  return { train: subsetRatings(ratings, pick(inner.train)), scored: subsetRatings(ratings, pick(inner.test)) };
}

export async function runRatingEvaluation(options: RatingEvaluationOptions): Promise<RatingEvaluationResult> {
  const { data, folds = 5, seed = 42, part = 'test' } = options;
  const progress = options.progress ?? noProgress;
  const specs = ratingModelSpecs(options.models);
  if (specs.length === 0) throw createError('INVALID_INPUT', { field: 'models', problem: 'no rating model to evaluate' });
  const made = specs.map((s) => createRatingModel(s.id, s.params)); // unknown ids and bad params fail before any work
  const ratings = ratingsOf(data, options.weights ?? { rating: 1 });
  if (ratings.value.length === 0) throw createError('DATASET_EMPTY', { what: 'ratings (rating events with a value)' });
  if (options.scale) {
    const scale = ratingScale(ratings, options.scale);
    ratings.value.forEach((v, k) => checkRating(v, scale, `rating of user ${data.users.id(ratings.user[k]!)} on ${data.items.id(ratings.item[k]!)}`));
  }
  const runs = specs.map(() => [] as RatingFoldResult[]);
  const scored: number[] = [];
  let done = 0;
  const total = specs.length * folds;
  for (const fold of kFolds(ratings.value.length, folds, seed)) {
    const { train, scored: test } = foldParts(ratings, fold, folds, seed, part);
    const scale = ratingScale(train, options.scale);
    scored.push(test.value.length);
    for (let m = 0; m < specs.length; m++) {
      throwIfAborted(options.signal, 'evaluation');
      progress(done, total, `${specs[m]!.label ?? specs[m]!.id} fold ${runs[m]!.length + 1}`);
      const model = createRatingModel(specs[m]!.id, specs[m]!.params);
      const t0 = performance.now(), c0 = process.cpuUsage();
      model.fit(train, { seed, signal: options.signal });
      const t1 = performance.now(), c1 = process.cpuUsage(c0);
      const predicted = predictAll(model, test.user, test.item).map((r) => clip(r, scale));
      const t2 = performance.now();
      const e = rmse(test.value, predicted);
      runs[m]!.push({ rmse: e, mae: mae(test.value, predicted), mse: e * e, fitSeconds: (t1 - t0) / 1000, fitCpuSeconds: (c1.user + c1.system) / 1e6, predictSeconds: (t2 - t1) / 1000 });
      options.logger?.info({ model: specs[m]!.id, fold: runs[m]!.length, rmse: e }, 'evaluated');
      progress(++done, total, `${specs[m]!.label ?? specs[m]!.id}: done`);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let a progress bar and signals through
    }
  }
  return {
    task: 'rating',
    protocol: {
      name: 'rating-kfold',
      description: `${part === 'validation' ? 'VALIDATION (one inner fold of each training part scored; the test folds unused) of: ' : ''}${folds}-fold cross-validation over the ratings (random folds, seed ${seed}); predictions clipped to the scale`,
      folds,
      seed,
      part,
      scale: options.scale ? ratingScale(ratings, options.scale) : 'training range',
    },
    models: specs.map((s, m) => summarise(s, made[m]!.params, runs[m]!)),
    data: { fingerprint: dataFingerprint(data), users: data.users.size, items: data.items.size, ratings: ratings.value.length },
    evaluatedRatings: mean(scored),
    createdAt: new Date().toISOString(),
  };
}

function summarise(spec: { id: string; label?: string }, params: Record<string, unknown>, runs: RatingFoldResult[]): RatingModelResult {
  const of = (key: keyof RatingFoldResult): number[] => runs.map((r) => r[key]);
  const out: RatingModelResult = {
    id: spec.id,
    metrics: { rmse: mean(of('rmse')), mae: mean(of('mae')), mse: mean(of('mse')) },
    std: { rmse: sampleStd(of('rmse')), mae: sampleStd(of('mae')), mse: sampleStd(of('mse')), fitSeconds: sampleStd(of('fitSeconds')) },
    fitSeconds: mean(of('fitSeconds')),
    fitCpuSeconds: mean(of('fitCpuSeconds')),
    predictSeconds: mean(of('predictSeconds')),
    params,
    folds: runs,
  };
  if (spec.label !== undefined) out.label = spec.label;
  return out;
}

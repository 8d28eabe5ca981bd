/**
 * @module Training: build the snapshot from the store, fit every model of the plan on it, and write the result
 * as a new model version. Used in-process (`resonate train`, the first `start`) and by the retraining child
 * process; it never touches what is serving — the caller swaps the result in.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFromStore } from '../data/dataset-from-store.js';
import { specKey } from '../models/model-spec.js';
import type { Recommender } from '../models/recommender.js';
import { createModel } from '../models/registry.js';
import type { Store } from '../storage/store.js';
import type { ModelPlan } from './model-plan.js';
import { saveVersion, type DataFingerprint, type VersionManifest } from './model-versions.js';

export interface TrainOptions {
  progress?: Progress;
  signal?: AbortSignal;
  /** Write the result as a new model version under `models.dir` (default true). */
  save?: boolean;
}

export interface TrainedSet {
  dataset: Dataset;
  models: Map<string, Recommender>;
  fitSeconds: Record<string, number>;
  datasetSeconds: number;
  fingerprint: DataFingerprint;
  /** The version written, when saved. */
  manifest?: VersionManifest;
}

/** What the store holds, cheaply: a version trained on other counts is out of date. */
export async function storeFingerprint(store: Store): Promise<DataFingerprint> {
  const c = await store.counts();
  return { users: c.users, posts: c.posts, follows: c.follows, events: c.events };
}

export function sameFingerprint(a: DataFingerprint, b: DataFingerprint): boolean {
  return a.users === b.users && a.posts === b.posts && a.follows === b.follows && a.events === b.events;
}

/** Fits the plan's models in order on one snapshot. */
export async function fitPlan(plan: ModelPlan, data: Dataset, options: { seed: number; progress?: Progress; signal?: AbortSignal; logger?: Logger }): Promise<{ models: Map<string, Recommender>; fitSeconds: Record<string, number> }> {
  const models = new Map<string, Recommender>();
  const fitSeconds: Record<string, number> = {};
  for (const spec of plan.specs) {
    const key = specKey(spec);
    const model = createModel(spec.id, spec.params);
    const t0 = performance.now();
    await model.fit(data, { seed: options.seed, progress: options.progress, signal: options.signal, logger: options.logger });
    fitSeconds[key] = (performance.now() - t0) / 1000;
    models.set(key, model);
    options.logger?.debug({ model: key, seconds: fitSeconds[key] }, 'model fitted');
  }
  return { models, fitSeconds };
}

export async function trainFromStore(store: Store, config: ResonateConfig, plan: ModelPlan, options: TrainOptions & { logger?: Logger } = {}): Promise<TrainedSet> {
  const progress = options.progress ?? noProgress;
  const fingerprint = await storeFingerprint(store);
  const t0 = performance.now();
  const dataset = await datasetFromStore(store, config.weights, progress);
  const datasetSeconds = (performance.now() - t0) / 1000;
  if (dataset.items.size === 0) throw createError('DATASET_EMPTY', { what: 'posts' });
  const { models, fitSeconds } = await fitPlan(plan, dataset, { seed: config.seed, progress, signal: options.signal, logger: options.logger });
  const set: TrainedSet = { dataset, models, fitSeconds, datasetSeconds, fingerprint };
  if (options.save !== false) {
    set.manifest = saveVersion(config.models.dir, { specs: plan.specs, dataset, models, fingerprint, fitSeconds, datasetSeconds });
  }
  return set;
}

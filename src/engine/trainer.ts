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
import { runEvaluation } from '../eval/run-evaluation.js';
import type { ModelPlan } from './model-plan.js';
import { PROFILES_FILE, saveVersion, TOPICS_FILE, versionOfJob, type DataFingerprint, type VersionManifest } from './model-versions.js';
import { fitTopicsWithMomentum } from './background-models.js';
import { topicsToJson, type PostTopics } from '../feed/trending-topics.js';
import { writeFileSync } from 'node:fs';
import { interestProfiles } from '../feed/interest-profiles.js';
import { FRESH_SOURCE } from '../feed/sources/fresh-source.js';

export interface TrainOptions {
  progress?: Progress;
  signal?: AbortSignal;
  /** Write the result as a new model version under `models.dir` (default true). */
  save?: boolean;
  /** Fit the trending topics of the snapshot (default true; they are saved with the version and served in the background). */
  topics?: boolean;
  /**
   * The key of the queued training job running this training: recorded in the version, and when a version with
   * this key is already on disk (an earlier delivery of the job finished first) nothing is saved.
   */
  jobKey?: string;
  /** Called just before the version is written; a throw saves nothing (a training whose worker is gone). */
  beforeSave?: () => void;
}

export interface TrainedSet {
  dataset: Dataset;
  models: Map<string, Recommender>;
  fitSeconds: Record<string, number>;
  datasetSeconds: number;
  fingerprint: DataFingerprint;
  /** The version written, when saved. */
  manifest?: VersionManifest;
  /** Each model's metrics on the validation carve (`models.validate`). */
  validation?: NonNullable<VersionManifest['validation']>;
  /** The trending topics of the snapshot. */
  topics?: PostTopics;
}

/** Users scored in validation (a seeded sample): enough for a stable mean, cheap on a large network. */
const VALIDATION_USERS = 1000;

/** Metrics kept of a validation run (full ranking, leave-last-out). */
const VALIDATION_METRICS = ['ndcg@10', 'recall@10', 'hit@10'] as const;

/**
 * Each model of the plan on a leave-last-out carve of the snapshot (every user's latest interaction held out,
 * the models fitted on the rest): what the version is expected to do, measured on its own training data only.
 * A snapshot too small to carve gives no metrics rather than an error.
 */
export async function validatePlan(plan: ModelPlan, data: Dataset, seed: number, options: { signal?: AbortSignal; logger?: Logger } = {}): Promise<NonNullable<VersionManifest['validation']>> {
  try {
    const result = await runEvaluation({
      data, protocol: 'loo', k: 10, ks: [10], seeds: [seed], beyondAccuracy: false, auc: false, maxUsers: VALIDATION_USERS, signal: options.signal, logger: options.logger,
      models: plan.specs.map((spec) => ({ id: spec.id, params: spec.params, label: specKey(spec) })),
    });
    return Object.fromEntries(result.models.map((m) => [m.label ?? m.id, Object.fromEntries(VALIDATION_METRICS.map((k) => [k, Math.round((m.metrics[k] ?? 0) * 1e4) / 1e4]))]));
  } catch (e) {
    if (options.signal?.aborted) throw e;
    options.logger?.warn({ err: e }, 'validation carve skipped');
    return {};
  }
}

/** What the store holds, cheaply: a version trained on other counts is out of date. */
export async function storeFingerprint(store: Store): Promise<DataFingerprint> {
  const c = await store.counts();
  return { users: c.users, posts: c.posts, follows: c.follows, events: c.events };
}

export function sameFingerprint(a: DataFingerprint, b: DataFingerprint): boolean {
  return a.users === b.users && a.posts === b.posts && a.follows === b.follows && a.events === b.events;
}

/**
 * What a version keeps besides its models, fitted here (in the training process, a child one when retraining) so
 * that the serving process does not: the fresh source's TF-IDF vocabulary of the snapshot and the trending topics.
 */
export function versionExtras(plan: ModelPlan, dataset: Dataset, topics: PostTopics | undefined): { file: string; save(path: string): void }[] {
  const extras: { file: string; save(path: string): void }[] = [];
  if (plan.sources.some((s) => s.id === FRESH_SOURCE)) {
    const vectorizer = interestProfiles(dataset).fitted();
    extras.push({ file: PROFILES_FILE, save: (path) => vectorizer.save(path) });
  }
  if (topics) extras.push({ file: TOPICS_FILE, save: (path) => writeFileSync(path, topicsToJson(topics), { mode: 0o600 }) });
  return extras;
}

/** The trending topics of the snapshot; undefined (and a warning) when they cannot be fitted. */
function fitTopics(dataset: Dataset, models: ReadonlyMap<string, Recommender>, seed: number, logger?: Logger): PostTopics | undefined {
  try {
    return fitTopicsWithMomentum(dataset, models, seed);
  } catch (e) {
    logger?.warn({ err: e }, 'topic model training failed; trending topics are unavailable');
    return undefined;
  }
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
  const validation = config.models.validate ? await validatePlan(plan, dataset, config.seed, options) : undefined;
  const { models, fitSeconds } = await fitPlan(plan, dataset, { seed: config.seed, progress, signal: options.signal, logger: options.logger });
  const topics = options.topics === false ? undefined : fitTopics(dataset, models, config.seed, options.logger);
  const set: TrainedSet = { dataset, models, fitSeconds, datasetSeconds, fingerprint, ...(validation ? { validation } : {}), ...(topics ? { topics } : {}) };
  // Checked again just before saving: another delivery of the same job may have finished while this one trained.
  const duplicate = options.jobKey !== undefined && versionOfJob(config.models.dir, options.jobKey) !== undefined;
  if (options.save !== false && !duplicate) {
    options.beforeSave?.();
    set.manifest = saveVersion(config.models.dir, { specs: plan.specs, dataset, models, fingerprint, fitSeconds, datasetSeconds, ...(validation ? { validation } : {}), extras: versionExtras(plan, dataset, topics), ...(options.jobKey ? { jobKey: options.jobKey } : {}) });
  }
  return set;
}
